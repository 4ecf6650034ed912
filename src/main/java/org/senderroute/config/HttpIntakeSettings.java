package org.senderroute.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.senderroute.intake.HttpIntake;
import org.senderroute.intake.IntakeRequests;
import org.senderroute.intake.IntakeTokens;
import org.senderroute.kaleyra.KaleyraAccount;
import org.senderroute.kaleyra.KaleyraAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP intake ({@code sender.http-intake.*}, {@code routes/12-intake-http.camel.yaml}): when enabled, binds
 * {@code httpIntake} with the bearer token of each account that has one ({@code kaleyra.http-intake-token},
 * {@code kaleyra.account.<name>.http-intake-token}, or their {@code -file}), and refuses to start without any.
 */
final class HttpIntakeSettings {

    static final String ENABLED = "sender.http-intake.enabled";
    static final String MAX_BODY = "sender.http-intake.max-body-bytes";
    static final String TOKEN = ".http-intake-token";
    static final String BEAN = "httpIntake";

    private static final Logger LOG = LoggerFactory.getLogger(HttpIntakeSettings.class);

    private HttpIntakeSettings() {
    }

    private static long bytes(String value) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw new IllegalArgumentException(MAX_BODY + " must be a number of bytes (1 or more), was '" + value + "'");
    }

    static void configure(CamelContext context, Settings settings, KaleyraAccounts accounts) {
        if (!settings.flag(ENABLED, false)) {
            return;
        }
        long maxBody = bytes(settings.get(MAX_BODY, Long.toString(100L * 1024 * 1024)));
        Map<String, String> tokens = new LinkedHashMap<>();
        for (KaleyraAccount account : accounts.accounts()) {
            String token = AccountSettings.secret(settings, account.propertyPrefix() + TOKEN);
            if (token != null) {
                tokens.put(account.name(), token);
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException(ENABLED + "=true needs the bearer token of at least one account: "
                    + "kaleyra.http-intake-token (KALEYRA_HTTP_INTAKE_TOKEN) or kaleyra.account.<name>.http-intake-token, "
                    + "or their -file");
        }
        IntakeRequests requests = new IntakeRequests(settings.workDir().resolve("http"));
        context.getRegistry().bind(BEAN, new HttpIntake(new IntakeTokens(tokens), requests, maxBody));
        LOG.info("HTTP intake: POST /senders on {}:{} for the accounts {} (bodies up to {} bytes)",
                settings.get("camel.server.host", "0.0.0.0"), settings.get("camel.server.port", "8080"),
                String.join(", ", tokens.keySet()), maxBody);
    }
}
