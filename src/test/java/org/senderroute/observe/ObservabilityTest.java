package org.senderroute.observe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health and metrics read from the management server during a run, checked against what was processed. */
class ObservabilityTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    KaleyraSandbox sandbox;
    RouteHarness app;

    @AfterEach
    void stop() {
        app.close();
        sandbox.close();
    }

    private String get(String path) throws Exception {
        String base = "http://127.0.0.1:" + app.property("camel.management.port");
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of the metric on this line, the tag instance (which every sender_ metric carries) left out. */
    private static double metric(String metrics, String line) {
        String untagged = metrics.replaceAll("\\{sender_instance=\"[^\"]*\"}", "").replaceAll("sender_instance=\"[^\"]*\",", "")
                .replaceAll(",sender_instance=\"[^\"]*\"", "");
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.E+-]+)$").matcher(untagged);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void metricsAndHealthTellWhatWasProcessed() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withPreRegistered("in:SX0001")).start();
        app = RouteHarness.start(dir, sandbox, Map.of("sender.batch.size", "4"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/observe/health")).startsWith("{\"status\":\"UP\""));

        app.drop("observed.csv", SenderFiles.csv(10) + "BADSENDER,d,in,123456789012\n,no sender,in,123456789012\n");
        app.awaitTaken("observed.csv");

        String metrics = get("/observe/metrics");
        assertThat(metric(metrics, "sender_records_received_total")).isEqualTo(12);
        assertThat(metric(metrics, "sender_records_valid_total")).isEqualTo(10);
        assertThat(metric(metrics, "sender_records_invalid_total{rule=\"INVALID_SENDER\"}")).isEqualTo(1);
        assertThat(metric(metrics, "sender_records_invalid_total{rule=\"MISSING_SENDER\"}")).isEqualTo(1);
        assertThat(metric(metrics, "sender_records_succeeded_total")).isEqualTo(9);
        assertThat(metric(metrics, "sender_records_failed_total{code=\"MSG134\"}")).isEqualTo(1);
        assertThat(metric(metrics, "sender_batches_sent_total")).isEqualTo(3);
        assertThat(metric(metrics, "sender_batches_resubmitted_total")).isEqualTo(1);
        assertThat(metric(metrics, "sender_api_latency_seconds_count{outcome=\"accepted\"}")).isEqualTo(3);
        assertThat(metric(metrics, "sender_files_in_progress")).isZero();
        assertThat(metric(metrics, "sender_last_success_timestamp")).isGreaterThan(0);

        Path summary;
        try (var files = Files.list(app.successDir())) {
            summary = files.filter(p -> p.getFileName().toString().endsWith(".summary.json")).findFirst().orElseThrow();
        }
        JsonNode report = new ObjectMapper().readTree(summary.toFile());
        assertThat(report.get("file").asText()).isEqualTo("observed.csv");
        assertThat(report.get("records").asInt()).isEqualTo(12);
        assertThat(report.get("succeeded").asInt()).isEqualTo(9);
        assertThat(report.get("failed_by_code").get("MSG134").asInt()).isEqualTo(1);
        assertThat(report.get("calls").asInt()).isEqualTo(4);
        assertThat(report.get("outputs").get("failure").asText()).endsWith(".failure.csv").startsWith("observed.");
        assertThat(summary.getFileName().toString()).startsWith("observed.");
    }

    @Test
    void theInstanceIsNamedInEveryLogLineAndMetric() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        try (LogCapture logs = LogCapture.start()) {
            app = RouteHarness.start(dir, sandbox, Map.of("sender.instance-id", "route-b7"));
            app.drop("named.csv", SenderFiles.csv(3));
            app.awaitTaken("named.csv");

            assertThat(logs.lines()).filteredOn(l -> l.contains("Instance: ")).singleElement()
                    .satisfies(l -> assertThat(l).endsWith("Instance: route-b7"));
            assertThat(logs.written("text")).hasSize(logs.lines().size())
                    .allSatisfy(l -> assertThat(l).matches("(?s)\\S+ \\S+ +route-b7 \\[.*"))
                    .anySatisfy(l -> assertThat(l).contains("route-b7", "[named.csv"));
            assertThat(logs.written("json")).isNotEmpty()
                    .allSatisfy(l -> assertThat(new ObjectMapper().readTree(l).get("senderInstance").asText())
                            .isEqualTo("route-b7"));
        }
        String metrics = get("/observe/metrics");
        assertThat(metrics).contains("sender_records_received_total{sender_instance=\"route-b7\"} 3",
                "sender_records_succeeded_total{sender_instance=\"route-b7\"} 3",
                "sender_api_latency_seconds_count{outcome=\"accepted\",sender_instance=\"route-b7\"} 1");
        assertThat(metrics.lines().filter(l -> l.startsWith("sender_")).toList()).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("sender_instance=\"route-b7\""));
    }

    @Test
    void unnamedTheInstanceIsItsHostAndProcess() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        String pid = Long.toString(ProcessHandle.current().pid());
        try (LogCapture logs = LogCapture.start()) {
            app = RouteHarness.start(dir, sandbox, Map.of());
            assertThat(logs.lines()).filteredOn(l -> l.contains("Instance: ")).singleElement()
                    .satisfies(l -> assertThat(l).endsWith("-" + pid).doesNotEndWith("Instance: -" + pid));
        }
        app.drop("unnamed.csv", SenderFiles.csv(1));
        app.awaitTaken("unnamed.csv");
        assertThat(get("/observe/metrics")).containsPattern("sender_records_received_total\\{sender_instance=\"[^\"]+-" + pid
                + "\"\\} 1");
    }

    @Test
    void readinessIsDownWhileTheCredentialsAreRefused() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withApiKey("the-right-key-0000")).start();
        app = RouteHarness.start(dir, sandbox, Map.of("kaleyra.api-key", "a-wrong-key-00000"));
        app.drop("refused.csv", SenderFiles.csv(2));
        app.awaitTaken("refused.csv");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String health = get("/observe/health/ready");
            assertThat(health).contains("DOWN");
        });
        String details = get("/observe/health?data=true");
        assertThat(details).contains("kaleyra-credentials", "refused").doesNotContain("a-wrong-key-00000");
        assertThat(get("/observe/health/live")).contains("UP");
    }

    @Test
    void aLongFileReportsItsProgress() {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withLatency(Duration.ofMillis(120))).start();
        try (LogCapture logs = LogCapture.start()) {
            app = RouteHarness.start(dir, sandbox, Map.of("sender.batch.size", "50", "sender.http.max-concurrent-calls", "1",
                    "sender.progress.interval-seconds", "1"));
            app.drop("long.csv", SenderFiles.csv(2000));
            app.awaitTaken("long.csv", Duration.ofSeconds(60));
            assertThat(logs.lines()).filteredOn(l -> l.contains("long.csv: ") && l.contains("records settled"))
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l).containsPattern("% of the file read, [0-9]+ records/s, about [0-9]+ s left"));
        }
    }
}
