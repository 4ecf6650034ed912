package org.senderroute.kaleyra;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * How long to wait before calling again after a 429, a 5xx, a timeout or a dropped connection: exponential
 * backoff from {@code initialDelay}, at most {@code maxDelay}, and never earlier than a {@code Retry-After}
 * the server asked for; at most {@code maxAttempts} calls for the same request.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("sender.http.retry.max-attempts must be at least 1, was " + maxAttempts);
        }
    }

    public boolean mayRetry(int attemptsMade) {
        return attemptsMade < maxAttempts;
    }

    /** @param attemptsMade calls made so far for this request (1 after the first) */
    public long delayMillis(int attemptsMade, String retryAfter) {
        double backoff = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attemptsMade - 1));
        long delay = (long) Math.min(backoff, maxDelay.toMillis());
        return Math.max(delay, retryAfterMillis(retryAfter));
    }

    /** Retry-After as delta-seconds or as an HTTP date; 0 when absent or unreadable. */
    static long retryAfterMillis(String retryAfter) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return 0;
        }
        String value = retryAfter.trim();
        try {
            return Math.max(0, Long.parseLong(value) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (RuntimeException notADate) {
                return 0;
            }
        }
    }
}
