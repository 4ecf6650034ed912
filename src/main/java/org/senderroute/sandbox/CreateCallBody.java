package org.senderroute.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a Create Sender ID call: the elements of its {@code data} array, or why it could not be read.
 *
 * @param data    the elements of {@code data}, or null when the body is unusable
 * @param problem a short reason when the body is unusable, else null
 */
record CreateCallBody(List<JsonNode> data, String problem) {

    static CreateCallBody parse(ObjectMapper mapper, byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            return new CreateCallBody(null, KaleyraMessages.BAD_BODY_NOT_JSON);
        }
        if (root == null || root.isMissingNode()) {
            return new CreateCallBody(null, KaleyraMessages.BAD_BODY_NOT_JSON);
        }
        JsonNode data = root.isObject() ? root.get("data") : null;
        if (data == null || !data.isArray()) {
            return new CreateCallBody(null, KaleyraMessages.BAD_BODY_NO_DATA);
        }
        List<JsonNode> elements = new ArrayList<>(data.size());
        data.forEach(elements::add);
        return new CreateCallBody(List.copyOf(elements), null);
    }

    boolean readable() {
        return data != null;
    }
}
