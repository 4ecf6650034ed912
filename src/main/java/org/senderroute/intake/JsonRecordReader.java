package org.senderroute.intake;

import java.io.IOException;
import java.io.InputStream;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.senderroute.domain.SenderRequest;

/**
 * Reads Kaleyra's own request body {@code {"data":[...]}} or a bare array of request objects, one element at a
 * time with Jackson's streaming parser, so a large file is never held in memory whole. A local file has been read
 * once by {@link JsonFileCheck} before: this reader then meets a problem only when the file changed meanwhile.
 */
public final class JsonRecordReader implements RecordReader {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final JsonParser parser;
    private long record;
    private boolean positioned;
    private JsonToken pending;

    public JsonRecordReader(InputStream in) throws IOException {
        this.parser = FACTORY.createParser(Utf8Input.reader(in));
    }

    @Override
    public String format() {
        return "json";
    }

    @Override
    public boolean hasNext() {
        try {
            if (!positioned) {
                positionAtArray();
            }
            if (pending == null) {
                pending = parser.nextToken();
            }
            if (pending == null) {
                throw new UnreadableFileException("the JSON array ends without ']' after record " + record);
            }
            return pending != JsonToken.END_ARRAY;
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public SenderRequest next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        JsonToken first = pending;
        pending = null;
        record++;
        try {
            return JsonRecords.read(record, parser, first);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private void positionAtArray() throws IOException {
        positioned = true;
        JsonToken first = parser.nextToken();
        if (first == JsonToken.START_ARRAY) {
            return;
        }
        if (first != JsonToken.START_OBJECT) {
            throw new UnreadableFileException("expected a JSON object {\"data\":[...]} or an array, found "
                    + (first == null ? "no JSON value" : SyntaxProblems.kindOf(first)));
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("data".equals(name) && value == JsonToken.START_ARRAY) {
                return;
            }
            parser.skipChildren();
        }
        throw new UnreadableFileException("the JSON object has no \"data\" array");
    }

    private UnreadableFileException unreadable(IOException e) {
        if (e instanceof JsonProcessingException jpe) {
            return new UnreadableFileException("JSON syntax error" + SyntaxProblems.describe(jpe) + " after record "
                    + record, e);
        }
        return new UnreadableFileException("the file could not be read after record " + record + ": " + e.getMessage(), e);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
