package org.senderroute.kaleyra;

import java.util.List;
import java.util.Map;

/**
 * Kaleyra's answer to one call, reduced to what the routing needs. Getters (rather than record accessors) so that
 * the routes can say {@code ${body.status}} and {@code ${body.code}}.
 */
public final class KaleyraReply {

    /** One entry of a success reply's {@code data} array. */
    public record Created(String id, String status, String sender, String code, String message) {
    }

    private final int status;
    private final String code;
    private final String message;
    private final List<Created> created;
    private final Map<Integer, String> rejectedEntries;
    private final String retryAfter;
    private final String bodyStart;

    public KaleyraReply(int status, String code, String message, List<Created> created, Map<Integer, String> rejectedEntries,
            String retryAfter, String bodyStart) {
        this.status = status;
        this.code = code;
        this.message = message;
        this.created = created;
        this.rejectedEntries = rejectedEntries;
        this.retryAfter = retryAfter;
        this.bodyStart = bodyStart;
    }

    public int getStatus() {
        return status;
    }

    /** Kaleyra's code (MSG106, MSG134, RBC192, RBC001, ...), or an empty string when the body carried none. */
    public String getCode() {
        return code;
    }

    public String getMessage() {
        return message;
    }

    public List<Created> getCreated() {
        return created;
    }

    /** For MSG134: the message for each failing entry, keyed by its 0-based index in the request's data. */
    public Map<Integer, String> getRejectedEntries() {
        return rejectedEntries;
    }

    public String getRetryAfter() {
        return retryAfter;
    }

    /** The first characters of the body, for failure messages about replies nobody expected. */
    public String getBodyStart() {
        return bodyStart;
    }

    /** "HTTP 503 RBC500 Service down" — for failure messages and logs. */
    public String describe() {
        StringBuilder s = new StringBuilder("HTTP ").append(status);
        if (!code.isEmpty()) {
            s.append(' ').append(code);
        }
        if (message != null && !message.isEmpty()) {
            s.append(' ').append(message);
        } else if (!bodyStart.isEmpty()) {
            s.append(": ").append(bodyStart);
        }
        return s.toString();
    }
}
