package org.senderroute.route;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP intake (routes/12-intake-http.camel.yaml), over real HTTP on loopback, against the sandbox: a POST goes
 * through the same pipeline as a dropped file, is refused without the account's token, beyond the size limit and
 * for a key sent again with another body, and is processed once per key, also across a restart.
 */
class HttpIntakeTest extends SandboxRouteTest {

    static final String TOKEN = "intake-token-3c9e71a05b2d";
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    int port;

    private void startIntake(Map<String, String> more) {
        port = RouteHarness.freePort();
        Map<String, String> p = new HashMap<>();
        p.put("sender.http-intake.enabled", "true");
        p.put("sender.http-intake.port", Integer.toString(port));
        p.put("kaleyra.http-intake-token", TOKEN);
        p.put("sender.http-intake.max-body-bytes", "20000000");
        p.putAll(more);
        start(SandboxSettings.defaults(), p);
    }

    private void restart() {
        app.close();
        Map<String, String> p = new HashMap<>();
        p.put("sender.http-intake.enabled", "true");
        p.put("sender.http-intake.port", Integer.toString(port));
        p.put("kaleyra.http-intake-token", TOKEN);
        app = RouteHarness.start(dir, sandbox, p);
    }

    private HttpResponse<String> post(String token, String key, String type, String body, String query)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/senders" + query))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", type).header("X-File-Name", "partner.csv")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitDone(String location) {
        JsonNode[] status = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            status[0] = JSON.readTree(get(location).body());
            return !status[0].path("state").asText().equals("accepted");
        });
        return status[0];
    }

    @Test
    void refusesWithoutTheTokenAndStoresNothingNorLogsIt() throws Exception {
        startIntake(Map.of());
        try (LogCapture logs = LogCapture.start()) {
            HttpResponse<String> none = post(null, "k-1", "text/csv", SenderFiles.csv(3), "");
            HttpResponse<String> wrong = post("not-" + TOKEN, "k-1", "text/csv", SenderFiles.csv(3), "");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(logs.text()).doesNotContain(TOKEN).doesNotContain("SX0001");
        }
        assertThat(requestFolders()).isEmpty();
        assertThat(sandbox.postCalls()).isZero();
    }

    @Test
    void postsAFileThroughThePipelineAndPollsItsOutcome() throws Exception {
        startIntake(Map.of());
        HttpResponse<String> accepted = post(TOKEN, "batch-1", "text/csv", SenderFiles.csv(5) + "BAD,x,in,1\n", "");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/senders/");
        assertThat(accepted.headers().firstValue("Authorization")).isEmpty();

        JsonNode done = awaitDone(location);
        assertThat(done.path("state").asText()).isEqualTo("done");
        assertThat(done.path("summary").path("records").asLong()).isEqualTo(6);
        assertThat(done.path("summary").path("succeeded").asLong()).isEqualTo(5);
        assertThat(done.path("summary").path("failed").asLong()).isEqualTo(1);
        // the outputs go to the configured destinations too, named after X-File-Name
        assertThat(app.successRows("partner")).hasSize(5);
        assertThat(app.failureRows("partner")).hasSize(1);
        HttpResponse<String> rows = get(done.path("rows").path("success").asText());
        assertThat(rows.statusCode()).isEqualTo(200);
        assertThat(rows.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(rows.body().lines().count()).isEqualTo(6);
        assertThat(get(done.path("rows").path("failure").asText()).body()).contains("INVALID_SENDER");
    }

    /** The token decides the account: acme's token sends to acme's Kaleyra, whatever the file's name says. */
    @Test
    void theTokenDecidesTheAccount() throws Exception {
        try (KaleyraSandbox acme = new KaleyraSandbox(SandboxSettings.defaults().withSid("ACMESID0001")
                .withApiKey("acme-key-8b3e6d20c4f1").withPreRegistered(List.of())).start()) {
            startIntake(Map.of("kaleyra.accounts", "acme", "kaleyra.account.acme.sid", "ACMESID0001",
                    "kaleyra.account.acme.api-key", "acme-key-8b3e6d20c4f1",
                    "kaleyra.account.acme.base-url", acme.baseUrl(),
                    "kaleyra.account.acme.http-intake-token", "acme-token-0f4b2c81d9e3",
                    "sender.accounts.rule", "prefix"));
            HttpResponse<String> answer = post("acme-token-0f4b2c81d9e3", "acme-1", "text/csv", SenderFiles.csv(3),
                    "?wait=20s");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("summary").path("succeeded").asLong()).isEqualTo(3);
            assertThat(acme.createdCount()).isEqualTo(3);
            assertThat(sandbox.postCalls()).isZero();
            // the default account's token does not see acme's request
            String location = answer.headers().firstValue("Location").orElseThrow();
            assertThat(get(location).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void waitsForASmallBatchAndAnswersItsSummary() throws Exception {
        startIntake(Map.of());
        HttpResponse<String> answer = post(TOKEN, "small", "application/x-ndjson",
                "{\"sender\":\"WAITS1\",\"description\":\"d\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}\n",
                "?wait=20s");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("state").asText()).isEqualTo("done");
        assertThat(body.path("summary").path("succeeded").asLong()).isEqualTo(1);
    }

    @Test
    void aKeySentAgainGetsTheFirstAnswerAndIsProcessedOnceAlsoAfterARestart() throws Exception {
        startIntake(Map.of());
        String body = SenderFiles.csv(4);
        HttpResponse<String> first = post(TOKEN, "again", "text/csv", body, "?wait=20s");
        assertThat(first.statusCode()).isEqualTo(200);
        int calls = sandbox.postCalls();
        assertThat(calls).isPositive();

        HttpResponse<String> second = post(TOKEN, "again", "text/csv", body, "");
        assertThat(second.statusCode()).isEqualTo(first.statusCode());
        assertThat(second.body()).isEqualTo(first.body());
        HttpResponse<String> otherBody = post(TOKEN, "again", "text/csv", SenderFiles.csv(5), "");
        assertThat(otherBody.statusCode()).isEqualTo(422);

        restart();
        HttpResponse<String> afterRestart = post(TOKEN, "again", "text/csv", body, "");
        assertThat(afterRestart.statusCode()).isEqualTo(first.statusCode());
        assertThat(afterRestart.body()).isEqualTo(first.body());
        Thread.sleep(500);
        assertThat(sandbox.postCalls()).isEqualTo(calls);
        assertThat(app.successRows("partner")).hasSize(4);
    }

    @Test
    void refusesABodyOverTheLimitAndWithoutAKey() throws Exception {
        startIntake(Map.of("sender.http-intake.max-body-bytes", "1000"));
        assertThat(post(TOKEN, "big", "text/csv", SenderFiles.csv(100), "").statusCode()).isEqualTo(413);
        assertThat(post(TOKEN, null, "text/csv", SenderFiles.csv(1), "").statusCode()).isEqualTo(400);
        assertThat(post(TOKEN, "xml", "application/xml", "<a/>", "").statusCode()).isEqualTo(415);
        assertThat(requestFolders()).isEmpty();
    }

    @Test
    void aMalformedBodyIsRefusedAsAFileWouldBe() throws Exception {
        startIntake(Map.of());
        HttpResponse<String> answer = post(TOKEN, "broken", "application/json", "{\"data\":[{\"sender\":", "?wait=20s");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("summary").path("unreadable").asText()).isNotEmpty();
        assertThat(app.failureRows("partner")).extracting(r -> r.get("error_code")).containsExactly("FILE_UNREADABLE");
        assertThat(sandbox.postCalls()).isZero();
    }

    /**
     * A body of 100,000 records is never held in memory: while the client is still sending it, megabytes of it are
     * already on disk (spooled under sender.work-dir/http); it is then processed whole, every record once.
     */
    @Test
    void aLargeBodyIsStreamedToDiskAndProcessedWhole() throws Exception {
        startIntake(Map.of());
        int records = 100_000;
        Path spool = dir.resolve("work").resolve("http").resolve(".spool");
        long[] onDiskWhileSending = {0};
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(
                "sender,description,iso_code,entity_id\n".getBytes(StandardCharsets.UTF_8)),
                new LinesOf(records, i -> SenderFiles.sender(i) + ",Generated sender " + i + ",in," + (100000000000L + i)
                        + "\n", 50_000, () -> {
                            await().atMost(Duration.ofSeconds(10)).until(() -> bytesUnder(spool) > 1_000_000);
                            onDiskWhileSending[0] = bytesUnder(spool);
                        }));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/senders?wait=60s"))
                .timeout(Duration.ofSeconds(90)).header("Content-Type", "text/csv")
                .header("Authorization", "Bearer " + TOKEN).header("Idempotency-Key", "large")
                .header("X-File-Name", "large.csv").POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
        HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(onDiskWhileSending[0]).as("bytes spooled to disk before the body was all sent")
                .isGreaterThan(1_000_000);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode summary = JSON.readTree(answer.body()).path("summary");
        assertThat(summary.path("records").asLong()).isEqualTo(records);
        assertThat(summary.path("succeeded").asLong()).isEqualTo(records);
        assertThat(app.successRows("large")).hasSize(records);
    }

    private static long bytesUnder(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Lines made as they are read; after {@code pauseAt} lines, runs {@code pause} once (the sender waits on it). */
    static final class LinesOf extends InputStream {
        private final int lines;
        private final java.util.function.IntFunction<String> line;
        private final int pauseAt;
        private final Runnable pause;
        private int next = 1;
        private byte[] current = new byte[0];
        private int at;

        LinesOf(int lines, java.util.function.IntFunction<String> line, int pauseAt, Runnable pause) {
            this.lines = lines;
            this.line = line;
            this.pauseAt = pauseAt;
            this.pause = pause;
        }

        @Override
        public int read() {
            if (at == current.length) {
                if (next > lines) {
                    return -1;
                }
                if (next == pauseAt) {
                    pause.run();
                }
                current = line.apply(next++).getBytes(StandardCharsets.UTF_8);
                at = 0;
            }
            return current[at++] & 0xff;
        }
    }

    private Stream<Path> requestFolders() throws IOException {
        Path root = dir.resolve("work").resolve("http");
        if (!Files.isDirectory(root)) {
            return Stream.empty();
        }
        return Files.list(root).filter(p -> !p.getFileName().toString().startsWith(".")).toList().stream();
    }
}
