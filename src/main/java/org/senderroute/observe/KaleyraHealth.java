package org.senderroute.observe;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Readiness: down while Kaleyra refuses an account's credentials (no call is made with them until a restart). */
public final class KaleyraHealth extends AbstractHealthCheck {

    private final Supplier<String> refusals;

    /** @param refusals why Kaleyra refused credentials (null or empty when it did not), over every account */
    public KaleyraHealth(Supplier<String> refusals) {
        super("sender", "kaleyra-credentials");
        this.refusals = refusals;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String refused = refusals.get();
        if (refused == null || refused.isEmpty()) {
            builder.up();
        } else {
            builder.message("Kaleyra refused the credentials: " + refused + "; fix them and restart").down();
        }
    }
}
