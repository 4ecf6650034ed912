package org.senderroute.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * One Sender ID request as read from an input file: a value (equal when every field is), with the accessors of a
 * record. Its {@link #senderKey()} is worked out once, on first use: the ledger, the ownership and the reply's
 * matching look a sender up by it several times on its way.
 */
public final class SenderRequest {

    private final long record;
    private final String sender;
    private final String description;
    private final String isoCode;
    private final String entityId;
    private final String parseProblem;
    private String senderKey;

    /**
     * @param record       1-based index of the record in its input file
     * @param sender       the Sender ID asked for
     * @param description  free text Kaleyra requires
     * @param isoCode      ISO 3166-1 alpha-2 country code
     * @param entityId     DLT entity id (mandatory for India)
     * @param parseProblem null when the record was read cleanly, otherwise why it could not be read
     */
    public SenderRequest(long record, String sender, String description, String isoCode, String entityId,
            String parseProblem) {
        this.record = record;
        this.sender = sender;
        this.description = description;
        this.isoCode = isoCode;
        this.entityId = entityId;
        this.parseProblem = parseProblem;
    }

    public static SenderRequest of(long record, String sender, String description, String isoCode, String entityId) {
        return new SenderRequest(record, sender, description, isoCode, entityId, null);
    }

    public static SenderRequest unreadable(long record, String problem) {
        return new SenderRequest(record, null, null, null, null, problem);
    }

    public boolean readable() {
        return parseProblem == null;
    }

    public long record() {
        return record;
    }

    public String sender() {
        return sender;
    }

    public String description() {
        return description;
    }

    public String isoCode() {
        return isoCode;
    }

    public String entityId() {
        return entityId;
    }

    public String parseProblem() {
        return parseProblem;
    }

    /** Who the sender is at Kaleyra, whatever the letter case it was written in: upper-case sender, lower-case ISO code. */
    public String senderKey() {
        String key = senderKey;
        if (key == null) {
            key = sender.toUpperCase(Locale.ROOT) + "|" + isoCode.toLowerCase(Locale.ROOT);
            senderKey = key;
        }
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof SenderRequest r && record == r.record && Objects.equals(sender, r.sender)
                && Objects.equals(description, r.description) && Objects.equals(isoCode, r.isoCode)
                && Objects.equals(entityId, r.entityId) && Objects.equals(parseProblem, r.parseProblem);
    }

    /** From the record's number and sender only (equal requests have equal ones): a batch's map is keyed by them. */
    @Override
    public int hashCode() {
        return Long.hashCode(record) * 31 + Objects.hashCode(sender);
    }

    @Override
    public String toString() {
        return "SenderRequest[record=" + record + ", sender=" + sender + ", description=" + description + ", isoCode="
                + isoCode + ", entityId=" + entityId + ", parseProblem=" + parseProblem + "]";
    }
}
