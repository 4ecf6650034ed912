package org.senderroute.kaleyra;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Header;

/** Reads the HTTP status and body of a Create Sender ID call into a {@link KaleyraReply}; a body that is not JSON is kept as text. */
public final class KaleyraReplyParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BODY_START = 300;

    public KaleyraReply parse(@Header("CamelHttpResponseCode") Integer status, @Header("Retry-After") String retryAfter,
            @Body String body) {
        int httpStatus = status == null ? 0 : status;
        String text = body == null ? "" : body;
        String start = text.length() > BODY_START ? text.substring(0, BODY_START) + "..." : text;
        start = start.replaceAll("\\s+", " ").strip();
        JsonNode root;
        try {
            root = text.isBlank() ? null : MAPPER.readTree(text);
        } catch (Exception notJson) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new KaleyraReply(httpStatus, "", "", List.of(), Map.of(), retryAfter, start);
        }
        return new KaleyraReply(httpStatus, root.path("code").asText(""), root.path("message").asText(""), created(root.path("data")),
                rejected(root.path("error")), retryAfter, start);
    }

    private static List<KaleyraReply.Created> created(JsonNode data) {
        if (!data.isArray()) {
            return List.of();
        }
        List<KaleyraReply.Created> created = new ArrayList<>(data.size());
        for (JsonNode entry : data) {
            created.add(new KaleyraReply.Created(entry.path("id").asText(""), entry.path("status").asText(""),
                    entry.path("sender").asText(""), entry.path("code").asText(""), entry.path("message").asText("")));
        }
        return created;
    }

    private static Map<Integer, String> rejected(JsonNode error) {
        Map<Integer, String> byIndex = new TreeMap<>();
        if (!error.isObject()) {
            return byIndex;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = error.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            int index;
            try {
                index = Integer.parseInt(entry.getKey().trim());
            } catch (NumberFormatException notAnIndex) {
                continue;
            }
            byIndex.put(index, messageOf(entry.getValue()));
        }
        return byIndex;
    }

    private static String messageOf(JsonNode entry) {
        if (!entry.isObject()) {
            return entry.asText();
        }
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("sender_name")) {
                parts.add(field.getValue().asText());
            }
        }
        return parts.isEmpty() ? "rejected by Kaleyra" : String.join("; ", parts);
    }
}
