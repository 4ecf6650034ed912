package org.senderroute.kaleyra;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.senderroute.domain.SenderRequest;

/**
 * Kaleyra's answer to one call, reduced to what the routing needs. Getters (rather than record accessors) so that
 * the routes can say {@code ${body.status}} and {@code ${body.code}}.
 */
public final class KaleyraReply {

    /** Kaleyra's code of a success: every sender of the request was created. */
    public static final String SUCCESS_CODE = "MSG106";

    /** One entry of a success reply's {@code data} array. */
    public record Created(String id, String status, String sender, String code, String message) {
    }

    /**
     * The entry of a {@code data} array for each sender of the request: the one at the same position, or else the one
     * naming the sender (null when none does).
     */
    static List<Created> entriesOf(List<SenderRequest> senders, List<Created> created) {
        List<Created> matched = new ArrayList<>(senders.size());
        Map<String, Created> bySender = null;
        for (int i = 0; i < senders.size(); i++) {
            String sender = senders.get(i).sender();
            Created entry = i < created.size() ? created.get(i) : null;
            if (entry == null || !entry.sender().equalsIgnoreCase(sender)) {
                if (bySender == null) {
                    bySender = new HashMap<>();
                    for (Created c : created) {
                        bySender.putIfAbsent(c.sender().toUpperCase(Locale.ROOT), c);
                    }
                }
                entry = bySender.get(sender.toUpperCase(Locale.ROOT));
            }
            matched.add(entry);
        }
        return matched;
    }

    private final int status;
    private final String code;
    private final String message;
    private final List<Created> created;
    private final Map<Integer, String> rejectedEntries;
    private final boolean dataArray;
    private final String retryAfter;
    private final String location;
    private final String bodyStart;
    private final String problem;

    /**
     * @param dataArray whether the body is one well-formed JSON object whose {@code data} is an array (of no more
     *        entries than the request had)
     * @param problem what is wrong with the body itself (not JSON, too large, ...), or an empty string
     */
    public KaleyraReply(int status, String code, String message, List<Created> created, Map<Integer, String> rejectedEntries,
            boolean dataArray, String retryAfter, String location, String bodyStart, String problem) {
        this.status = status;
        this.code = code;
        this.message = message;
        this.created = created;
        this.rejectedEntries = rejectedEntries;
        this.dataArray = dataArray;
        this.retryAfter = retryAfter;
        this.location = location == null ? "" : location;
        this.bodyStart = bodyStart;
        this.problem = problem;
    }

    /** A reply whose body could not be used at all: only its status, headers and start are known. */
    public static KaleyraReply unusable(int status, String retryAfter, String location, String bodyStart, String problem) {
        return new KaleyraReply(status, "", "", List.of(), Map.of(), false, retryAfter, location, bodyStart, problem);
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

    /**
     * For the routes ({@code ${body.dataArray}}): the body is one well-formed JSON object, read to its end, whose
     * {@code data} is an array of no more entries than the request had. With status 200 and code MSG106 this, and
     * only this, is Kaleyra's success.
     */
    public boolean isDataArray() {
        return dataArray;
    }

    /** The {@code Location} header (of a redirect), or an empty string. */
    public String getLocation() {
        return location;
    }

    /** What is wrong with the body itself (e.g. "not JSON"), or an empty string. */
    public String getProblem() {
        return problem;
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
        if (!problem.isEmpty()) {
            s.append(" (").append(problem).append(')');
        }
        return s.toString();
    }
}
