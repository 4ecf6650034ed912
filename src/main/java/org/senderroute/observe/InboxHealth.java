package org.senderroute.observe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Readiness: down while the directory drop cannot be written (files could be read but never moved out). */
public final class InboxHealth extends AbstractHealthCheck {

    private final Path inbox;

    public InboxHealth(Path inbox) {
        super("sender", "inbox-writable");
        this.inbox = inbox;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (Files.isDirectory(inbox) && Files.isWritable(inbox)) {
            builder.up();
        } else {
            builder.message("the inbox " + inbox.toAbsolutePath() + " is missing or not writable").down();
        }
    }
}
