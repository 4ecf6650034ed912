package org.senderroute.domain;

/**
 * One Sender ID request as read from an input file.
 *
 * @param record       1-based index of the record in its input file
 * @param sender       the Sender ID asked for
 * @param description  free text Kaleyra requires
 * @param isoCode      ISO 3166-1 alpha-2 country code
 * @param entityId     DLT entity id (mandatory for India)
 * @param parseProblem null when the record was read cleanly, otherwise why it could not be read
 */
public record SenderRequest(long record, String sender, String description, String isoCode, String entityId,
        String parseProblem) {

    public static SenderRequest of(long record, String sender, String description, String isoCode, String entityId) {
        return new SenderRequest(record, sender, description, isoCode, entityId, null);
    }

    public static SenderRequest unreadable(long record, String problem) {
        return new SenderRequest(record, null, null, null, null, problem);
    }

    public boolean readable() {
        return parseProblem == null;
    }
}
