package org.senderroute.observe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Grafana dashboard and the Prometheus rules of deploy/monitoring: every metric they query is one the module
 * really exposes (read from a real scrape of /observe/metrics after a run with successes, failures by code, a retry
 * and a resubmission), the rules pass {@code promtool check rules} and their unit tests ({@code promtool test rules}),
 * and the dashboard has the panels an operator looks for.
 */
class MonitoringFilesTest {

    private static final Path MONITORING = Path.of("deploy/monitoring");
    private static final Path DASHBOARD = MONITORING.resolve("sender-route-dashboard.json");
    private static final Path RULES = MONITORING.resolve("sender-route-rules.yaml");
    private static final Path RULE_TESTS = MONITORING.resolve("sender-route-rules.test.yaml");
    /** A metric name of the module in an expression; the label sender_instance is no metric. */
    private static final Pattern METRIC = Pattern.compile("\\bsender_[a-z_]+\\b(?!\\s*(=|!=|=~|!~))");
    /** A label matcher in an expression: metric{label="value"}. */
    private static final Pattern MATCHER = Pattern.compile("(sender_[a-z_]+)\\{([^}]*)}");

    /** The names and labels of the module's series in one real scrape, e.g. sender_records_failed_total -> [code, sender_instance]. */
    private static Map<String, Set<String>> scraped;

    @BeforeAll
    static void scrape(@TempDir Path dir) throws Exception {
        try (KaleyraSandbox sandbox = new KaleyraSandbox(SandboxSettings.defaults().withPreRegistered("in:SX0001")).start()) {
            sandbox.faults().failNext(1, 503, null, null);
            try (RouteHarness app = RouteHarness.start(dir, sandbox, Map.of("sender.batch.size", "4"))) {
                app.drop("watched.csv", SenderFiles.csv(10) + "BADSENDER,d,in,123456789012\n");
                app.awaitTaken("watched.csv");
                String base = "http://127.0.0.1:" + app.property("camel.management.port");
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/observe/metrics"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                scraped = new HashMap<>();
                Matcher series = Pattern.compile("(?m)^(sender_[a-z_]+)(?:\\{([^}]*)})? ").matcher(metrics);
                while (series.find()) {
                    Set<String> labels = scraped.computeIfAbsent(series.group(1), k -> new HashSet<>());
                    if (series.group(2) != null) {
                        for (String pair : series.group(2).split(",")) {
                            labels.add(pair.substring(0, pair.indexOf('=')));
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyMetricTheDashboardAndTheRulesQueryIsExposed() throws IOException {
        List<String> expressions = new ArrayList<>(dashboardExpressions());
        expressions.addAll(ruleExpressions());
        assertThat(expressions).hasSizeGreaterThan(10);

        Set<String> queried = new TreeSet<>();
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                if (!m.group().equals(SenderMetrics.INSTANCE_TAG)) {
                    queried.add(m.group());
                }
            }
            Matcher selector = MATCHER.matcher(expr);
            while (selector.find()) {
                for (String matcher : selector.group(2).split(",")) {
                    String label = matcher.split("[=!~]", 2)[0].trim();
                    assertThat(scraped.get(selector.group(1))).as("labels of %s in %s", selector.group(1), expr)
                            .isNotNull().contains(label);
                }
            }
        }
        assertThat(queried).as("metrics the dashboard and the rules query").contains(
                "sender_records_received_total", "sender_records_succeeded_total", "sender_records_failed_total",
                "sender_api_latency_seconds_bucket", "sender_calls_retried_total", "sender_files_in_progress",
                "sender_last_success_timestamp");
        assertThat(scraped.keySet()).as("metrics of a real scrape").containsAll(queried);
        assertThat(scraped.get("sender_records_failed_total")).contains("code", SenderMetrics.INSTANCE_TAG);
    }

    @Test
    void theDashboardShowsWhatAnOperatorAsks() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.get("uid").asText()).isEqualTo("kaleyra-sender-route");
        List<String> titles = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            titles.add(panel.get("title").asText());
            assertThat(ids.add(panel.get("id").asInt())).as("panel ids are unique").isTrue();
            assertThat(panel.get("datasource").get("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty()
                    .allSatisfy(t -> assertThat(t.get("expr").asText()).contains("sender_instance=~\"$sender_instance\""));
        }
        assertThat(titles).contains("Records per minute by outcome", "Failures per minute by code", "Kaleyra call latency",
                "Retries and resubmissions per minute", "Files in progress", "Last success");
        assertThat(dashboard.at("/templating/list/1/name").asText()).isEqualTo("sender_instance");
    }

    @Test
    void theRulesAlertOnWhatAnOperatorWantsToKnow() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(RULES.toFile());
        List<String> alerts = new ArrayList<>();
        for (JsonNode rule : rules.at("/groups/0/rules")) {
            alerts.add(rule.get("alert").asText());
            assertThat(rule.at("/labels/severity").asText()).isIn("warning", "critical");
            assertThat(rule.at("/annotations/summary").asText()).isNotBlank();
        }
        assertThat(alerts).containsExactly("SenderRouteNoSuccess", "SenderRouteCredentialsRefused",
                "SenderRouteFailureRatioHigh", "SenderRouteKaleyraUnavailable");
    }

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("promtool (Debian's prometheus package) is needed for this test in CI: .ci/run installs it");
            }
            Assumptions.abort("promtool is not installed here (Debian's prometheus package)");
        }
        assertThat(run(promtool.toString(), "check", "rules", RULES.toString())).contains("SUCCESS: 4 rules found");
        assertThat(run(promtool.toString(), "test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
            panel.get("targets").forEach(t -> expressions.add(t.get("expr").asText()));
        }
        return expressions;
    }

    private static List<String> ruleExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonNode rule : new YAMLMapper().readTree(RULES.toFile()).at("/groups/0/rules")) {
            expressions.add(rule.get("expr").asText());
        }
        return expressions;
    }
}
