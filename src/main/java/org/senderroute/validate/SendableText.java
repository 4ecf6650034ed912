package org.senderroute.validate;

import org.senderroute.domain.Failure;
import org.senderroute.domain.FieldNames;
import org.senderroute.domain.SenderRequest;

/**
 * Text that can be read but not sent: an unpaired UTF-16 surrogate (legal in JSON as {@code "\ud800"}) has no UTF-8
 * form, so Kaleyra would keep something else than what the file says. Such a record is refused before sending.
 */
final class SendableText {

    private SendableText() {
    }

    /** @return null when every field of the record is text that can be sent, otherwise why not */
    static Failure check(SenderRequest r) {
        Failure failure = check(FieldNames.SENDER, r.sender());
        if (failure == null) {
            failure = check(FieldNames.DESCRIPTION, r.description());
        }
        if (failure == null) {
            failure = check(FieldNames.ISO_CODE, r.isoCode());
        }
        if (failure == null) {
            failure = check(FieldNames.ENTITY_ID, r.entityId());
        }
        return failure;
    }

    private static Failure check(String field, String value) {
        int at = unpaired(value);
        return at < 0 ? null : new Failure(Failure.INVALID_TEXT, field + " holds a character that is no text (an unpaired"
                + " UTF-16 surrogate, such as \\ud800 in JSON) at position " + (at + 1) + "; correct the " + field
                + " and drop the failure file again");
    }

    /** The index of the first surrogate that is not half of a pair, or -1. */
    static int unpaired(String value) {
        if (value == null) {
            return -1;
        }
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }
}
