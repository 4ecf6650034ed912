package org.senderroute.validate;

import org.senderroute.intake.FieldNames;
import org.senderroute.intake.SenderRequest;

/**
 * Text that can be read but not sent: an unpaired UTF-16 surrogate (legal in JSON as {@code "\ud800"}) has no UTF-8
 * form, so Kaleyra would keep something else than what the file says. Such a record is refused before sending.
 */
final class Text {

    private Text() {
    }

    /** @return null when every field of the record is text that can be sent, otherwise why not */
    static Failure check(SenderRequest r) {
        String field = unpaired(r.sender()) >= 0 ? FieldNames.SENDER
                : unpaired(r.description()) >= 0 ? FieldNames.DESCRIPTION
                : unpaired(r.isoCode()) >= 0 ? FieldNames.ISO_CODE
                : unpaired(r.entityId()) >= 0 ? FieldNames.ENTITY_ID : null;
        if (field == null) {
            return null;
        }
        return new Failure(Failure.INVALID_TEXT, field + " holds a character that is no text (an unpaired UTF-16 surrogate"
                + ", such as \\ud800 in JSON) at position " + (unpaired(valueOf(r, field)) + 1)
                + "; correct the " + field + " and drop the failure file again");
    }

    private static String valueOf(SenderRequest r, String field) {
        return switch (field) {
            case FieldNames.SENDER -> r.sender();
            case FieldNames.DESCRIPTION -> r.description();
            case FieldNames.ISO_CODE -> r.isoCode();
            default -> r.entityId();
        };
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
