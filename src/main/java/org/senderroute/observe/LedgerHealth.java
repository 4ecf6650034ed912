package org.senderroute.observe;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.senderroute.domain.LedgerAvailability;

/** Readiness: down while the ledger's database does not answer (no file is taken then), with the reason. */
public final class LedgerHealth extends AbstractHealthCheck {

    private final LedgerAvailability ledger;

    public LedgerHealth(LedgerAvailability ledger) {
        super("sender", "ledger-database");
        this.ledger = ledger;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String unavailable = ledger.unavailable();
        if (unavailable == null) {
            builder.up();
        } else {
            builder.message(unavailable + "; no file is taken until it answers").down();
        }
    }
}
