package org.senderroute.kaleyra;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * Reads the HTTP status and body of a Create Sender ID call into a {@link KaleyraReply}; a body that is not JSON is
 * kept as text. The body is read from the connection as a stream of JSON tokens: a reply to 5000 senders is neither
 * copied into memory first nor built as a tree.
 *
 * <p>Only a body that is one well-formed JSON object, read to its end, whose {@code data} is an array of no more
 * entries than the request had, can be Kaleyra's success ({@link KaleyraReply#isDataArray()}). A body that breaks off
 * (the connection fails half-way, or the JSON ends before it is complete) is no reply at all: a
 * {@link ReplyCutOffException} carrying the {@code data} entries that did arrive. A body over
 * {@code sender.http.max-reply-bytes} ({@link ReplyTooLargeException}, from {@link CallBounds}) is a reply that
 * cannot be used.
 */
public final class KaleyraReplyParser {

    /** The parser does not close the stream: what is left of it is read to its end first. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
    private static final int BODY_START = 300;

    /** What was read of the body so far: kept when the body breaks off. */
    private static final class Parsed {
        String code = "";
        String message = "";
        final List<KaleyraReply.Created> created = new ArrayList<>();
        final Map<Integer, String> rejected = new TreeMap<>();
        boolean dataArray;
        int entries;

        KaleyraReply reply(int status, String retryAfter, String location, String start, String problem) {
            String why = problem;
            if (why.isEmpty() && KaleyraReply.SUCCESS_CODE.equals(code) && !dataArray) {
                why = "no data array";
            }
            return new KaleyraReply(status, code, message, created, rejected, dataArray && problem.isEmpty(), retryAfter,
                    location, start, why);
        }
    }

    /**
     * @param body the reply as it arrives (the endpoint does not cache it): read here once, as JSON tokens, to its end
     * @param conversation the batch's conversation: a {@code data} array may list no more entries than its request had
     * @throws ReplyCutOffException when the body breaks off (the call then had no reply)
     */
    public KaleyraReply parse(@Header(Exchange.HTTP_RESPONSE_CODE) Integer status, @Header("Retry-After") String retryAfter,
            @Header("Location") String location, @Body InputStream body,
            @ExchangeProperty(KaleyraConversation.PROPERTY) KaleyraConversation conversation) throws IOException {
        int httpStatus = status == null ? 0 : status;
        int maxEntries = conversation == null ? Integer.MAX_VALUE : conversation.requestSize();
        Parsed parsed = new Parsed();
        String start = "";
        try (InputStream in = new BufferedInputStream(body == null ? InputStream.nullInputStream() : body, 8192)) {
            start = start(in);
            String problem;
            try {
                problem = read(in, parsed, maxEntries);
            } catch (JsonProcessingException notJson) {
                if (endedEarly(notJson)) {
                    throw new ReplyCutOffException(httpStatus, parsed.created,
                            new EOFException("its JSON ended before it was complete"));
                }
                parsed = new Parsed();
                problem = "not JSON";
            }
            // the rest (what did not parse) is read to its end, so that the connection can serve again
            in.transferTo(OutputStream.nullOutputStream());
            return parsed.reply(httpStatus, retryAfter, location, start, problem);
        } catch (ReplyTooLargeException tooLarge) {
            return KaleyraReply.unusable(httpStatus, retryAfter, location, start, tooLarge.getMessage());
        } catch (ReplyCutOffException cut) {
            throw cut;
        } catch (IOException broken) {
            throw new ReplyCutOffException(httpStatus, parsed.created, broken);
        }
    }

    /** Whether the JSON was well-formed as far as it went, and ended before it was complete. */
    private static boolean endedEarly(JsonProcessingException e) {
        // Jackson says "end-of-input" also where it throws a JsonParseException (an input ending between two entries)
        return e instanceof JsonEOFException || String.valueOf(e.getOriginalMessage()).contains("end-of-input");
    }

    /** The first characters of the body, white space and control characters collapsed, without consuming them. */
    private static String start(InputStream in) throws IOException {
        in.mark(BODY_START + 1);
        byte[] head = in.readNBytes(BODY_START + 1);
        in.reset();
        String start = new String(head, 0, Math.min(head.length, BODY_START), StandardCharsets.UTF_8)
                + (head.length > BODY_START ? "..." : "");
        return start.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
    }

    /** Reads the body into {@code parsed}; returns what is wrong with it as a whole, or an empty string. */
    private static String read(InputStream in, Parsed parsed, int maxEntries) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return "empty body";
            }
            if (first != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "code" -> parsed.code = scalar(p, value);
                    case "message" -> parsed.message = scalar(p, value);
                    case "data" -> created(p, value, parsed, maxEntries);
                    case "error" -> rejected(p, value, parsed.rejected);
                    default -> p.skipChildren();
                }
            }
            try {
                if (p.nextToken() != null) {
                    return "content after the JSON";
                }
            } catch (JsonProcessingException trailing) {
                return "content after the JSON";
            }
            if (parsed.entries > maxEntries) {
                return "its data lists " + parsed.entries + " entries for the " + maxEntries + " senders sent";
            }
            return "";
        }
    }

    /**
     * {@code data}: an array of objects, each a sender created (or an entry of it). Entries past {@code maxEntries}
     * are counted, not kept.
     */
    private static void created(JsonParser p, JsonToken value, Parsed parsed, int maxEntries) throws IOException {
        parsed.dataArray = value == JsonToken.START_ARRAY;
        parsed.created.clear();
        parsed.entries = 0;
        if (!parsed.dataArray) {
            p.skipChildren();
            return;
        }
        List<KaleyraReply.Created> created = parsed.created;
        // status, code and message repeat from entry to entry: the previous String is reused when the text is the same
        String lastStatus = null;
        String lastCode = null;
        String lastMessage = null;
        JsonToken entry;
        while ((entry = p.nextToken()) != JsonToken.END_ARRAY) {
            parsed.entries++;
            if (entry != JsonToken.START_OBJECT || parsed.entries > maxEntries) {
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
