package org.senderroute.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.testsupport.JarProcess;
import org.senderroute.testsupport.RouteHarness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example of docs/kamelet.md, with the jar as built: Camel Main itself (org.apache.camel.main.Main) runs an
 * integration's route that sends a CRM's CSV to kamelet:kaleyra-sender-sink, the Kamelet, the module's configuration
 * class, configuration files and routes all taken from the jar, against the embedded sandbox.
 */
class KameletJarIT {

    @TempDir
    Path dir;

    @Test
    void theDocumentedIntegrationRunsWithTheJarAsShipped() throws Exception {
        Files.writeString(dir.resolve("integration.camel.yaml"), """
                # A CRM export folder: each CSV it writes is registered with Kaleyra under the account "crm"
                - route:
                    id: crm-export
                    from:
                      uri: file:crm-out
                      parameters:
                        include: ".*\\\\.csv"
                      steps:
                        - to:
                            uri: kamelet:kaleyra-sender-sink
                            parameters:
                              account: crm
                              sid: "{{env:CRM_KALEYRA_SID}}"
                              apiKey: "{{env:CRM_KALEYRA_API_KEY}}"
                        - log: "Kaleyra summary: ${body}"
                """);
        Files.createDirectories(dir.resolve("crm-out"));
        Files.writeString(dir.resolve("crm-out/export-1.csv"),
                "sender,description,iso_code,entity_id\nCRMEX1,CRM sender,in,123456789012\n");
        Map<String, String> env = new HashMap<>();
        env.put("CRM_KALEYRA_SID", "SANDBOXSID");
        env.put("CRM_KALEYRA_API_KEY", "sandbox-api-key");
        env.put("CAMEL_MAIN_CONFIGURATION_CLASSES", "org.senderroute.config.SenderRouteConfiguration");
        env.put("CAMEL_MAIN_ROUTES_INCLUDE_PATTERN", "classpath:routes/*.yaml,file:integration.camel.yaml");
        env.put("CAMEL_MANAGEMENT_PORT", Integer.toString(RouteHarness.freePort()));
        JarProcess run = JarProcess.startClass(dir, env, "org.apache.camel.main.Main",
                "-pl", "classpath:config/application-sandbox.properties,classpath:config/application.properties");
        try {
            Path success = dir.resolve("data/sandbox/output/success");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> exportOutputs(success).stream().anyMatch(f -> f.toString().endsWith(".summary.json"))
                            && run.output().contains("Kaleyra summary"));
            assertThat(run.output()).contains("\"file\" : \"kamelet/crm/export-1.csv\"").contains("\"succeeded\" : 1")
                    .doesNotContain("sandbox-api-key");
            assertThat(Files.readAllLines(exportOutputs(success).stream()
                    .filter(f -> f.getFileName().toString().endsWith(".success.csv")).findFirst().orElseThrow()))
                    .hasSize(2).anySatisfy(line -> assertThat(line).startsWith("1,CRMEX1,"));
        } finally {
            run.process().destroy();
            run.waitFor(30);
        }
    }

    private static List<Path> exportOutputs(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith("export-1.")).toList();
        }
    }
}
