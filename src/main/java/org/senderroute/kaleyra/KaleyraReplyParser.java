package org.senderroute.kaleyra;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * Reads the HTTP status and body of a Create Sender ID call into a {@link KaleyraReply}; a body that is not JSON is
 * kept as text. The body is read from the connection as a stream of JSON tokens: a reply to 5000 senders is neither
 * copied into memory first nor built as a tree.
 */
public final class KaleyraReplyParser {

    /** The parser does not close the stream: what is left of it is read to its end first. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
    private static final int BODY_START = 300;

    /**
     * @param body the reply as it arrives (the endpoint does not cache it): read here once, as JSON tokens, to its end
     * @throws IOException when the connection fails while the reply is read (the call then had no reply)
     */
    public KaleyraReply parse(@Header("CamelHttpResponseCode") Integer status, @Header("Retry-After") String retryAfter,
            @Body InputStream body) throws IOException {
        int httpStatus = status == null ? 0 : status;
        try (InputStream in = new BufferedInputStream(body == null ? InputStream.nullInputStream() : body, 8192)) {
            in.mark(BODY_START + 1);
            byte[] head = in.readNBytes(BODY_START + 1);
            in.reset();
            String start = new String(head, 0, Math.min(head.length, BODY_START), StandardCharsets.UTF_8)
                    + (head.length > BODY_START ? "..." : "");
            start = start.replaceAll("\\s+", " ").strip();
            KaleyraReply reply;
            try {
                reply = read(in, httpStatus, retryAfter, start);
            } catch (JsonProcessingException notJson) {
                reply = new KaleyraReply(httpStatus, "", "", List.of(), Map.of(), retryAfter, start);
            }
            // the rest (whitespace, or what did not parse) is read to its end, so that the connection can serve again
            in.transferTo(OutputStream.nullOutputStream());
            return reply;
        }
    }

    private static KaleyraReply read(InputStream in, int httpStatus, String retryAfter, String start) throws IOException {
        String code = "";
        String message = "";
        List<KaleyraReply.Created> created = List.of();
        Map<Integer, String> rejected = new TreeMap<>();
        JsonParser p = JSON.createParser(in);
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return new KaleyraReply(httpStatus, "", "", List.of(), Map.of(), retryAfter, start);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "code" -> code = scalar(p, value);
                case "message" -> message = scalar(p, value);
                case "data" -> created = created(p, value);
                case "error" -> rejected(p, value, rejected);
                default -> p.skipChildren();
            }
        }
        return new KaleyraReply(httpStatus, code, message, created, rejected, retryAfter, start);
    }

    /** {@code data}: an array of objects, each a sender created (or an entry of it). */
    private static List<KaleyraReply.Created> created(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return List.of();
        }
        List<KaleyraReply.Created> created = new ArrayList<>();
        // status, code and message repeat from entry to entry: the previous String is reused when the text is the same
        String lastStatus = null;
        String lastCode = null;
        String lastMessage = null;
        JsonToken entry;
        while ((entry = p.nextToken()) != JsonToken.END_ARRAY) {
            if (entry != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String id = "";
            String status = "";
            String sender = "";
            String code = "";
            String message = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "id" -> id = scalar(p, v);
                    case "status" -> status = lastStatus = repeated(p, v, lastStatus);
                    case "sender" -> sender = scalar(p, v);
                    case "code" -> code = lastCode = repeated(p, v, lastCode);
                    case "message" -> message = lastMessage = repeated(p, v, lastMessage);
                    default -> p.skipChildren();
                }
            }
            created.add(new KaleyraReply.Created(id, status, sender, code, message));
        }
        return created;
    }

    /** {@code error}: entries by their index in the request, each a message or an object of messages. */
    private static void rejected(JsonParser p, JsonToken value, Map<Integer, String> byIndex) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            String why = v == JsonToken.START_OBJECT ? messages(p) : scalar(p, v);
            try {
                byIndex.put(Integer.parseInt(key.trim()), why);
            } catch (NumberFormatException notAnIndex) {
                // not an entry of the request
            }
        }
    }

    /** The values of an error entry's fields, but its sender_name, joined. */
    private static String messages(JsonParser p) throws IOException {
        List<String> parts = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String text = scalar(p, p.nextToken());
            if (!name.equals("sender_name")) {
                parts.add(text);
            }
        }
        return parts.isEmpty() ? "rejected by Kaleyra" : String.join("; ", parts);
    }

    /** A string value: {@code previous} itself when the text is the same, so that a repeated value is not copied. */
    private static String repeated(JsonParser p, JsonToken token, String previous) throws IOException {
        if (token != JsonToken.VALUE_STRING || previous == null) {
            return scalar(p, token);
        }
        int length = p.getTextLength();
        if (length == previous.length()) {
            char[] chars = p.getTextCharacters();
            int offset = p.getTextOffset();
            int i = 0;
            while (i < length && chars[offset + i] == previous.charAt(i)) {
                i++;
            }
            if (i == length) {
                return previous;
            }
        }
        return p.getText();
    }

    /** A scalar's text (numbers as written); empty for null, an object or an array (which are skipped). */
    private static String scalar(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            p.skipChildren();
            return "";
        }
        return token == JsonToken.VALUE_NULL ? "" : p.getText();
    }
}
