package org.senderroute.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static org.senderroute.sandbox.KaleyraMessages.*;

/** Builds the JSON bodies the sandbox answers with, shaped like Kaleyra's. */
final class SandboxReplies {

    private final ObjectMapper mapper;

    SandboxReplies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    SandboxReply created(List<RegisteredSender> senders) {
        ObjectNode root = envelope(CODE_CREATED, CREATED);
        ArrayNode data = root.putArray("data");
        for (RegisteredSender s : senders) {
            ObjectNode item = data.addObject();
            item.put("id", s.id());
            item.put("status", CREATED_STATUS);
            item.put("sender", s.sender());
            item.put("message", CREATED);
            item.put("code", CODE_CREATED);
        }
        root.putObject("error");
        return new SandboxReply(200, write(root));
    }

    SandboxReply notCreated(SortedMap<Integer, Map<String, String>> faults, Map<Integer, String> sentSenders) {
        ObjectNode root = envelope(CODE_NOT_CREATED, NOT_CREATED);
        root.putArray("data");
        ObjectNode error = root.putObject("error");
        faults.forEach((index, fields) -> {
            ObjectNode entry = error.putObject(Integer.toString(index));
            fields.forEach(entry::put);
            entry.put(FIELD_SENDER_NAME, sentSenders.get(index));
        });
        return new SandboxReply(400, write(root));
    }

    SandboxReply capacityExceeded(int capacity) {
        return simpleError(400, CODE_CAPACITY, KaleyraMessages.capacityExceeded(capacity),
                KaleyraMessages.capacityExceeded(capacity));
    }

    SandboxReply unauthorized() {
        return simpleError(401, CODE_AUTH, AUTH, AUTH);
    }

    SandboxReply badBody(String reason) {
        return simpleError(400, CODE_BAD_BODY, BAD_BODY, reason);
    }

    SandboxReply notFound(String method, String path) {
        return simpleError(404, CODE_NOT_FOUND, NOT_FOUND, "No such endpoint: " + method + " " + path);
    }

    SandboxReply internalError() {
        return simpleError(500, CODE_INTERNAL, INTERNAL, INTERNAL);
    }

    SandboxReply listing(List<RegisteredSender> senders) {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode data = root.putArray("data");
        for (RegisteredSender s : senders) {
            ObjectNode item = data.addObject();
            item.put("id", s.id());
            item.put("sender", s.sender());
            item.put("iso_code", s.isoCode());
            item.put("entity_id", s.entityId());
            item.put("description", s.description());
            item.put("created_at", s.createdAt().toString());
        }
        return new SandboxReply(200, write(root));
    }

    private SandboxReply simpleError(int status, String code, String message, String detail) {
        ObjectNode root = envelope(code, message);
        root.putArray("data");
        root.putObject("error").put("error", detail);
        return new SandboxReply(status, write(root));
    }

    private ObjectNode envelope(String code, String message) {
        ObjectNode root = mapper.createObjectNode();
        root.put("code", code);
        root.put("message", message);
        return root;
    }

    private String write(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write sandbox reply", e);
        }
    }
}
