package org.senderroute.route;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP intake with a body of 100,000 records: streamed to disk as it arrives, never held whole in memory. */
class HttpIntakeLargeBodyTest extends HttpIntakeRouteTest {

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
        public int read(byte[] buffer, int offset, int length) {
            int n = 0;
            while (n < length) {
                if (at == current.length && !nextLine()) {
                    return n == 0 ? -1 : n;
                }
                int take = Math.min(length - n, current.length - at);
                System.arraycopy(current, at, buffer, offset + n, take);
                at += take;
                n += take;
            }
            return n;
        }

        private boolean nextLine() {
            if (next > lines) {
                return false;
            }
            if (next == pauseAt) {
                pause.run();
            }
            current = line.apply(next++).getBytes(StandardCharsets.UTF_8);
            at = 0;
            return true;
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


}
