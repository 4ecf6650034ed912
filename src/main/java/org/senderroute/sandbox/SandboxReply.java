package org.senderroute.sandbox;

import java.nio.charset.StandardCharsets;

/** A JSON response about to be sent: status, body and an optional Retry-After value. */
record SandboxReply(int status, String body, Integer retryAfterSeconds, int dataSize) {

    SandboxReply(int status, String body) {
        this(status, body, null, -1);
    }

    SandboxReply withDataSize(int size) {
        return new SandboxReply(status, body, retryAfterSeconds, size);
    }

    byte[] bytes() {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
