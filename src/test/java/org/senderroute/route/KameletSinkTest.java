package org.senderroute.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.RouteHarness;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another Camel integration, built here with Camel Main as a user of the jar would build it (the module's
 * configuration class and config/application.properties from the class path, its routes from classpath:routes, a route
 * of its own), sends batches to kamelet:kaleyra-sender-sink, loaded from the class path's kamelets/, with its account's
 * credentials as Kamelet properties, and gets each batch's summary back; the outputs go to the configured destinations.
 */
class KameletSinkTest {

    static final String ACME_SID = "ACMESID0001";
    static final String ACME_KEY = "acme-key-8b3e6d20c4f1";

    @TempDir
    Path dir;
    KaleyraSandbox acme;
    Main integration;

    @AfterEach
    void stop() throws Exception {
        if (integration != null) {
            integration.stop();
        }
        if (acme != null) {
            acme.close();
        }
    }

    @Test
    void anIntegrationSendsRecordsAndAFileAndGetsTheSummaries() throws Exception {
        acme = new KaleyraSandbox(SandboxSettings.defaults().withSid(ACME_SID).withApiKey(ACME_KEY)
                .withPreRegistered(List.of())).start();
        Path route = dir.resolve("integration.camel.yaml");
        Files.writeString(route, """
                - route:
                    id: partner-integration
                    from:
                      uri: direct:register-senders
                      steps:
                        - to:
                            uri: kamelet:kaleyra-sender-sink
                            parameters:
                              account: acme
                              sid: "{{partner.kaleyra.sid}}"
                              apiKey: "{{partner.kaleyra.api-key}}"
                              baseUrl: "{{partner.kaleyra.base-url}}"
                              fileName: crm-batch.json
                """);
        Properties p = new Properties();
        // the module's default account is configured as usual (here: unused, no calls expected on it)
        p.setProperty("kaleyra.sid", "UNUSEDSID01");
        p.setProperty("kaleyra.api-key", "unused-key-0000");
        p.setProperty("kaleyra.base-url", "http://127.0.0.1:9");
        p.setProperty("partner.kaleyra.sid", ACME_SID);
        p.setProperty("partner.kaleyra.api-key", ACME_KEY);
        p.setProperty("partner.kaleyra.base-url", acme.baseUrl());
        p.setProperty("sender.inbox", dir.resolve("inbox").toString());
        p.setProperty("sender.work-dir", dir.resolve("work").toString());
        p.setProperty("sender.ledger.journal", dir.resolve("ledger/ledger.journal").toString());
        p.setProperty("sender.output.success", "file:" + dir.resolve("success"));
        p.setProperty("sender.output.failure", "file:" + dir.resolve("failure"));
        p.setProperty("camel.management.port", Integer.toString(RouteHarness.freePort()));
        p.setProperty("camel.main.routes-include-pattern", "classpath:routes/*.yaml,file:" + route);
        p.setProperty("camel.main.configuration-classes", "org.senderroute.config.SenderRouteConfiguration");
        integration = new Main();
        integration.setPropertyPlaceholderLocations("classpath:config/application.properties");
        integration.setOverrideProperties(p);
        try (LogCapture logs = LogCapture.start()) {
            integration.start();
            assertThat(logs.text()).doesNotContain(ACME_KEY).doesNotContain(ACME_SID);
        }

        ProducerTemplate template = integration.getCamelContext().createProducerTemplate();
        List<Map<String, String>> records = List.of(
                Map.of("sender", "KAMEL1", "description", "From the CRM", "iso_code", "in", "entity_id", "123456789012"),
                Map.of("sender", "KAMEL2", "description", "From the CRM", "iso_code", "in", "entity_id", "123456789013"),
                Map.of("sender", "bad", "description", "From the CRM", "iso_code", "in", "entity_id", "123456789014"));
        String answer = template.requestBody("direct:register-senders", records, String.class);
        JsonNode summary = new ObjectMapper().readTree(answer);
        assertThat(summary.path("records").asLong()).isEqualTo(3);
        assertThat(summary.path("succeeded").asLong()).isEqualTo(2);
        assertThat(summary.path("failed_by_code").path("INVALID_SENDER").asLong()).isEqualTo(1);
        assertThat(acme.createdCount()).isEqualTo(2);
        assertThat(Outputs.rows(dir.resolve("success"), "crm-batch")).hasSize(2);
        assertThat(Outputs.rows(dir.resolve("failure"), "crm-batch")).hasSize(1);

        // a file as the body: processed where it is, named after it
        Path file = Files.writeString(dir.resolve("partner-file.csv"),
                "sender,description,iso_code,entity_id\nKAMEL3,A file,in,123456789015\n");
        JsonNode fileSummary = new ObjectMapper().readTree(
                template.requestBody("direct:register-senders", file.toFile(), String.class));
        assertThat(fileSummary.path("succeeded").asLong()).isEqualTo(1);
        assertThat(Outputs.rows(dir.resolve("success"), "partner-file")).hasSize(1);
        assertThat(acme.createdCount()).isEqualTo(3);
    }
}
