package org.senderroute.domain;

import java.util.Locale;

/** The four fields of a Sender ID request, as named in Kaleyra's request body and in input headers. */
public final class FieldNames {

    public static final String SENDER = "sender";
    public static final String DESCRIPTION = "description";
    public static final String ISO_CODE = "iso_code";
    public static final String ENTITY_ID = "entity_id";

    private FieldNames() {
    }

    /** Header and key matching ignores letter case, surrounding blanks and a dash or space used for the underscore. */
    public static String normalise(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    }

    /** Blank values count as absent. */
    public static String clean(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }
}
