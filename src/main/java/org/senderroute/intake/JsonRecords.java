package org.senderroute.intake;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.senderroute.domain.FieldNames;
import org.senderroute.domain.SenderRequest;

/**
 * Reads one JSON value from a parser as a request, matching keys as CSV headers are matched. Values are taken as
 * they are written: a number given for entity_id keeps its text ({@code 1E22}, {@code -0}).
 */
final class JsonRecords {

    private JsonRecords() {
    }

    /**
     * The record whose first token is {@code first} (the parser is on it); the whole value is consumed, whatever
     * it is.
     */
    static SenderRequest read(long record, JsonParser parser, JsonToken first) throws IOException {
        if (first != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return SenderRequest.unreadable(record, "expected a JSON object with sender, description, iso_code, entity_id"
                    + " but found " + SyntaxProblems.kindOf(first));
        }
        String sender = null;
        String description = null;
        String iso = null;
        String entity = null;
        Set<String> given = new HashSet<>(4);
        String twice = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = FieldNames.normalise(parser.currentName());
            String value = text(parser, parser.nextToken());
            switch (key) {
                case FieldNames.SENDER -> sender = value;
                case FieldNames.DESCRIPTION -> description = value;
                case FieldNames.ISO_CODE -> iso = value;
                case FieldNames.ENTITY_ID -> entity = value;
                default -> {
                    // other keys (record, error_code, ...) are ignored
                    continue;
                }
            }
            if (!given.add(key) && twice == null) {
                twice = key;
            }
        }
        if (twice != null) {
            return SenderRequest.unreadable(record, "the key " + twice + " is given twice in this object: which value"
                    + " is meant is not clear");
        }
        return SenderRequest.of(record, sender, description, iso, entity);
    }

    /** A scalar's text as written; null for null and for an object or array (which is skipped). */
    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case VALUE_STRING -> FieldNames.clean(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> parser.getText();
            case START_OBJECT, START_ARRAY -> {
                parser.skipChildren();
                yield null;
            }
            default -> null;
        };
    }
}
