package org.senderroute.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Configuration of the {@link KaleyraSandbox}.
 *
 * @param sid           account SID expected in the path ({@code /v1/{sid}/...})
 * @param apiKey        value expected in the {@code api-key} header
 * @param capacity      maximum number of senders accepted in one call
 * @param preRegistered senders held from the start, each as {@code "iso:SENDER"} (e.g. {@code "in:ABCF01"})
 * @param port          TCP port on 127.0.0.1; 0 picks a free port
 * @param latency       delay added before every response
 */
public record SandboxSettings(String sid, String apiKey, int capacity, List<String> preRegistered, int port,
                              Duration latency) {

    public static final String DEFAULT_SID = "SANDBOXSID";
    public static final String DEFAULT_API_KEY = "sandbox-api-key";
    public static final int DEFAULT_CAPACITY = 5000;

    public static final String KEY_SID = "kaleyra.sandbox.sid";
    public static final String KEY_API_KEY = "kaleyra.sandbox.api-key";
    public static final String KEY_CAPACITY = "kaleyra.sandbox.capacity";
    public static final String KEY_REGISTERED = "kaleyra.sandbox.registered";
    public static final String KEY_PORT = "kaleyra.sandbox.port";
    public static final String KEY_LATENCY_MS = "kaleyra.sandbox.latency-ms";

    public SandboxSettings {
        if (sid == null || sid.isBlank() || sid.contains("/")) {
            throw new IllegalArgumentException("sandbox sid must be non-blank and contain no '/'");
        }
        if (apiKey == null || apiKey.isEmpty()) {
            throw new IllegalArgumentException("sandbox api key must not be empty");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("sandbox capacity must be at least 1, got " + capacity);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("sandbox port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("sandbox latency must not be negative");
        }
        preRegistered = preRegistered == null ? List.of() : List.copyOf(preRegistered);
        for (String entry : preRegistered) {
            PreRegisteredSender.parse(entry);
        }
    }

    public static SandboxSettings defaults() {
        return new SandboxSettings(DEFAULT_SID, DEFAULT_API_KEY, DEFAULT_CAPACITY, List.of(), 0, Duration.ZERO);
    }

    /**
     * Reads the {@code kaleyra.sandbox.*} keys through {@code lookup}, which returns null for an absent key.
     * Absent or blank values keep the defaults.
     */
    public static SandboxSettings fromProperties(Function<String, String> lookup) {
        Objects.requireNonNull(lookup, "lookup");
        SandboxSettings s = defaults();
        String sid = value(lookup, KEY_SID);
        if (sid != null) {
            s = s.withSid(sid);
        }
        String apiKey = lookup.apply(KEY_API_KEY);
        if (apiKey != null && !apiKey.isBlank()) {
            s = s.withApiKey(apiKey.strip());
        }
        String capacity = value(lookup, KEY_CAPACITY);
        if (capacity != null) {
            s = s.withCapacity(integer(KEY_CAPACITY, capacity));
        }
        String registered = value(lookup, KEY_REGISTERED);
        if (registered != null) {
            List<String> entries = new ArrayList<>();
            for (String part : registered.split(",")) {
                if (!part.isBlank()) {
                    entries.add(part.strip());
                }
            }
            s = s.withPreRegistered(entries);
        }
        String port = value(lookup, KEY_PORT);
        if (port != null) {
            s = s.withPort(integer(KEY_PORT, port));
        }
        String latencyMs = value(lookup, KEY_LATENCY_MS);
        if (latencyMs != null) {
            s = s.withLatency(Duration.ofMillis(integer(KEY_LATENCY_MS, latencyMs)));
        }
        return s;
    }

    private static String value(Function<String, String> lookup, String key) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
        }
    }

    public SandboxSettings withSid(String sid) {
        return new SandboxSettings(sid, apiKey, capacity, preRegistered, port, latency);
    }

    public SandboxSettings withApiKey(String apiKey) {
        return new SandboxSettings(sid, apiKey, capacity, preRegistered, port, latency);
    }

    public SandboxSettings withCapacity(int capacity) {
        return new SandboxSettings(sid, apiKey, capacity, preRegistered, port, latency);
    }

    public SandboxSettings withPreRegistered(List<String> preRegistered) {
        return new SandboxSettings(sid, apiKey, capacity, preRegistered, port, latency);
    }

    public SandboxSettings withPreRegistered(String... preRegistered) {
        return withPreRegistered(Arrays.asList(preRegistered));
    }

    public SandboxSettings withPort(int port) {
        return new SandboxSettings(sid, apiKey, capacity, preRegistered, port, latency);
    }

    public SandboxSettings withLatency(Duration latency) {
        return new SandboxSettings(sid, apiKey, capacity, preRegistered, port, latency);
    }

    /** Same as the record's default, except that the API key is masked. */
    @Override
    public String toString() {
        return "SandboxSettings[sid=" + sid + ", apiKey=****, capacity=" + capacity + ", preRegistered="
                + preRegistered + ", port=" + port + ", latency=" + latency + "]";
    }
}
