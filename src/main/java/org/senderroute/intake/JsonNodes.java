package org.senderroute.intake;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns one JSON object into a request, matching keys as CSV headers are matched. */
final class JsonNodes {

    private JsonNodes() {
    }

    static SenderRequest toRequest(long record, JsonNode node) {
        if (node == null || !node.isObject()) {
            return SenderRequest.unreadable(record, "expected a JSON object with sender, description, iso_code, entity_id"
                    + " but found " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        String sender = null;
        String description = null;
        String iso = null;
        String entity = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String value = text(field.getValue());
            switch (FieldNames.normalise(field.getKey())) {
                case FieldNames.SENDER -> sender = value;
                case FieldNames.DESCRIPTION -> description = value;
                case FieldNames.ISO_CODE -> iso = value;
                case FieldNames.ENTITY_ID -> entity = value;
                default -> {
                    // other keys (record, error_code, ...) are ignored
                }
            }
        }
        return SenderRequest.of(record, sender, description, iso, entity);
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        return FieldNames.clean(value.asText());
    }
}
