package org.senderroute.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads a JSON input once from end to end, skipping every value, before any of its records is used: a file is
 * either well-formed JSON of the expected shape and processed, or refused whole with nothing sent. Refused: a
 * syntax error anywhere, bytes that are not UTF-8, anything after the root value (trailing text, a second root
 * value), a root that is neither an array nor an object with one {@code "data"} array, and an object with two
 * {@code "data"} keys (which one is meant is not clear). Only positions and kinds of problem are told.
 */
final class JsonFileCheck {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonFileCheck() {
    }

    /** Throws {@link UnreadableFileException} saying where and what when the input is not acceptable JSON. */
    static void check(InputStream in) throws IOException {
        try (Reader reader = Utf8Input.reader(in); JsonParser parser = FACTORY.createParser(reader)) {
            JsonToken root = parser.nextToken();
            if (root == JsonToken.START_OBJECT) {
                checkRequestBody(parser);
            } else if (root == JsonToken.START_ARRAY) {
                parser.skipChildren();
            } else {
                throw refused("expected a JSON object {\"data\":[...]} or an array, found "
                        + (root == null ? "no JSON value" : SyntaxProblems.kindOf(root)));
            }
            if (parser.nextToken() != null) {
                throw refused(at(parser.currentTokenLocation()) + "content after the end of the JSON value");
            }
        } catch (JsonProcessingException e) {
            throw refused("JSON syntax error" + SyntaxProblems.describe(e));
        } catch (NotUtf8Exception e) {
            throw refused("the file is " + e.getMessage());
        }
    }

    private static void checkRequestBody(JsonParser parser) throws IOException {
        JsonLocation dataAt = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonLocation keyAt = parser.currentTokenLocation();
            JsonToken value = parser.nextToken();
            if ("data".equals(name)) {
                if (dataAt != null) {
                    throw refused(at(keyAt) + "the object has a second \"data\" key (the first is at line "
                            + dataAt.getLineNr() + "): which one is meant is not clear");
                }
                dataAt = keyAt;
                if (value != JsonToken.START_ARRAY) {
                    throw refused(at(keyAt) + "the \"data\" key holds " + SyntaxProblems.kindOf(value) + ", not an array");
                }
            }
            parser.skipChildren();
        }
        if (dataAt == null) {
            throw refused("the JSON object has no \"data\" array");
        }
    }

    private static String at(JsonLocation location) {
        return "line " + location.getLineNr() + " column " + location.getColumnNr() + ": ";
    }

    private static UnreadableFileException refused(String why) {
        return new UnreadableFileException(why + "; nothing in the file was sent");
    }
}
