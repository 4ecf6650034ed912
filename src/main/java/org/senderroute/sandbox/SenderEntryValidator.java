package org.senderroute.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static org.senderroute.sandbox.KaleyraMessages.*;

/** Field rules of Kaleyra's Create Sender ID API, applied to one entry on its own. */
final class SenderEntryValidator {

    static final String INDIA = "in";

    private static final Pattern INDIA_SENDER = Pattern.compile("[A-Za-z0-9]{6}");
    private static final Pattern ENTITY_ID = Pattern.compile("[0-9]{12,30}");

    private SenderEntryValidator() {
    }

    static SenderEntry validate(int index, JsonNode entry) {
        Map<String, String> faults = new LinkedHashMap<>();

        String sender = text(entry, FIELD_SENDER);
        String description = text(entry, FIELD_DESCRIPTION);
        String rawIso = text(entry, FIELD_ISO_CODE);
        String entityId = entityId(entry);

        String iso = null;
        if (rawIso == null || rawIso.isBlank()) {
            faults.put(FIELD_ISO_CODE, ISO_CODE_REQUIRED);
        } else if (!IsoCountryCodes.isKnown(rawIso)) {
            faults.put(FIELD_ISO_CODE, ISO_CODE_INVALID);
        } else {
            iso = IsoCountryCodes.normalize(rawIso);
        }
        boolean india = INDIA.equals(iso);

        if (sender == null || sender.isBlank()) {
            faults.put(FIELD_SENDER, SENDER_REQUIRED);
        } else if (india && !INDIA_SENDER.matcher(sender).matches()) {
            faults.put(FIELD_SENDER, SENDER_INDIA_FORMAT);
        }
        if (description == null || description.isBlank()) {
            faults.put(FIELD_DESCRIPTION, DESCRIPTION_REQUIRED);
        }
        if (india && (entityId == null || !ENTITY_ID.matcher(entityId).matches())) {
            faults.put(FIELD_ENTITY_ID, ENTITY_ID_INVALID);
        }
        return new SenderEntry(index, sender, description, iso, entityId, ordered(faults));
    }

    private static Map<String, String> ordered(Map<String, String> faults) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String field : new String[] {FIELD_SENDER, FIELD_DESCRIPTION, FIELD_ISO_CODE, FIELD_ENTITY_ID}) {
            if (faults.containsKey(field)) {
                ordered.put(field, faults.get(field));
            }
        }
        return ordered;
    }

    /** A string or number field as text; null when absent, JSON null, or of another JSON type. */
    private static String text(JsonNode entry, String field) {
        JsonNode node = entry == null ? null : entry.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.asText();
        }
        return null;
    }

    /**
     * The entity id as text. A JSON string is taken as is; a JSON integer of any size is taken as its digits;
     * anything else that is present (a fraction, boolean, object...) becomes a value that fails the rule.
     */
    private static String entityId(JsonNode entry) {
        JsonNode node = entry == null ? null : entry.get(FIELD_ENTITY_ID);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue().isEmpty() ? null : node.textValue();
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        return node.toString();
    }
}
