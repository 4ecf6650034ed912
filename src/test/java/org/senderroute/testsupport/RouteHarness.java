package org.senderroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.senderroute.SenderRouteApplication;
import org.senderroute.sandbox.KaleyraSandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the application exactly as production does (Camel Main, routes from routes/, config/application.properties)
 * with a temporary drop, temporary outputs and the embedded sandbox as Kaleyra, over real HTTP on loopback.
 */
public final class RouteHarness implements AutoCloseable {

    private final Path dir;
    private final KaleyraSandbox sandbox;
    private final Properties properties;
    private Main main;

    private RouteHarness(Path dir, KaleyraSandbox sandbox, Properties properties) {
        this.dir = dir;
        this.sandbox = sandbox;
        this.properties = properties;
    }

    /** The settings every route test starts from: temp directories, the sandbox, short timers. */
    public static Properties defaults(Path dir, KaleyraSandbox sandbox) {
        Properties p = new Properties();
        p.setProperty("kaleyra.base-url", sandbox.baseUrl());
        p.setProperty("kaleyra.sid", sandbox.settings().sid());
        p.setProperty("kaleyra.api-key", sandbox.settings().apiKey());
        p.setProperty("sender.inbox", dir.resolve("inbox").toString());
        p.setProperty("sender.work-dir", dir.resolve("work").toString());
        p.setProperty("sender.output.success", "file:" + dir.resolve("success") + "?tempPrefix=.writing-");
        p.setProperty("sender.output.failure", "file:" + dir.resolve("failure") + "?tempPrefix=.writing-");
        p.setProperty("sender.inbox.poll-delay", "100");
        p.setProperty("sender.inbox.min-age", "1000");
        p.setProperty("sender.http.retry.initial-delay", "50");
        p.setProperty("sender.http.retry.max-delay", "400");
        p.setProperty("sender.http.response-timeout", "5000");
        p.setProperty("sender.http.connect-timeout", "2000");
        p.setProperty("camel.main.shutdown-timeout", "10");
        // the route files of the project, as they are, not their copies in the build's class path
        p.setProperty("camel.main.routes-include-pattern", "file:routes/*.yaml");
        p.setProperty("camel.management.port", Integer.toString(freePort()));
        p.setProperty("camel.management.host", "127.0.0.1");
        p.setProperty("sender.ledger.url", "jdbc:h2:file:" + dir.resolve("ledger/ledger").toAbsolutePath() + ";WRITE_DELAY=0");
        p.setProperty("sender.ledger.journal", dir.resolve("ledger/ledger.journal").toString());
        return p;
    }

    /** A TCP port nobody listens on now, for the management server of a test. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RouteHarness start(Path dir, KaleyraSandbox sandbox, Map<String, String> overrides) {
        Properties p = defaults(dir, sandbox);
        overrides.forEach(p::setProperty);
        RouteHarness harness = new RouteHarness(dir, sandbox, p);
        harness.startMain();
        return harness;
    }

    private void startMain() {
        main = SenderRouteApplication.createMain(null, properties);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public Path inbox() {
        return dir.resolve("inbox");
    }

    public Path successDir() {
        return dir.resolve("success");
    }

    public Path failureDir() {
        return dir.resolve("failure");
    }

    /** Puts a complete file into the inbox at once (written aside, then moved), dated in the past. */
    public Path drop(String name, String content) {
        return drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public Path drop(String name, byte[] content) {
        try {
            Path staging = dir.resolve("staging").resolve(name);
            Files.createDirectories(staging.getParent());
            Files.createDirectories(inbox());
            Files.write(staging, content);
            Files.setLastModifiedTime(staging, FileTime.from(Instant.now().minusSeconds(60)));
            return Files.move(staging, inbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the file has left the inbox (to .done or .error) and returns where it went. */
    public Path awaitTaken(String name) {
        return awaitTaken(name, Duration.ofSeconds(30));
    }

    public Path awaitTaken(String name, Duration atMost) {
        Path done = inbox().resolve(".done").resolve(name);
        Path error = inbox().resolve(".error").resolve(name);
        await().atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(done) || Files.exists(error));
        return Files.exists(done) ? done : error;
    }

    public List<Map<String, String>> successRows(String base) {
        return Outputs.rows(successDir(), base);
    }

    public List<Map<String, String>> failureRows(String base) {
        return Outputs.rows(failureDir(), base);
    }

    /** Every record 1..n of the file appears exactly once across the two outputs. */
    public void assertEveryRecordOnce(String base, int records) {
        List<String> seen = new java.util.ArrayList<>();
        successRows(base).forEach(r -> seen.add(r.get("record")));
        failureRows(base).stream().filter(r -> !"FILE_UNREADABLE".equals(r.get("error_code")))
                .forEach(r -> seen.add(r.get("record")));
        Set<String> expected = new HashSet<>();
        for (int i = 1; i <= records; i++) {
            expected.add(Integer.toString(i));
        }
        assertThat(seen).as("records across both outputs").hasSize(records);
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
    }

    public static Map<String, String> byRecord(List<Map<String, String>> rows, String column) {
        return rows.stream().collect(Collectors.toMap(r -> r.get("record"), r -> r.get(column)));
    }

    /** The value of a property as the running application resolved it. */
    public String property(String key) {
        return context().getPropertiesComponent().resolveProperty(key).orElse(null);
    }

    public KaleyraSandbox sandbox() {
        return sandbox;
    }

    public void stop() {
        if (main != null) {
            try {
                main.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            main = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
