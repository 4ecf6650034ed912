package org.senderroute.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SftpTestServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private SftpTestServer server;
    private CamelContext camel;
    private Path got;

    @BeforeEach
    void startServer() throws Exception {
        server = SftpTestServer.start(tmp.resolve("sftp"));
        got = tmp.resolve("got");
        Files.createDirectories(server.root().resolve("inbox"));
    }

    @AfterEach
    void stopAll() throws Exception {
        if (camel != null) {
            camel.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void serverSetUpFilesAndUri() throws Exception {
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.username()).isEqualTo("partner");
        assertThat(server.port()).isPositive();
        assertThat(server.isRunning()).isTrue();
        assertThat(Files.readString(server.clientPrivateKeyFile()))
                .startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(Files.readAllLines(server.knownHostsFile()))
                .containsExactly(
                        "[127.0.0.1]:" + server.port() + " " + SftpTestServer.HOST_KEY_TYPE + " "
                                + base64Of(server.knownHostsFile()),
                        "[localhost]:" + server.port() + " " + SftpTestServer.HOST_KEY_TYPE + " "
                                + base64Of(server.knownHostsFile()));
        assertThat(base64Of(server.wrongKnownHostsFile())).isNotEqualTo(base64Of(server.knownHostsFile()));
        assertThat(server.sftpUri("/inbox/", "delay=200"))
                .isEqualTo("sftp://partner@127.0.0.1:" + server.port() + "/inbox"
                        + "?privateKeyFile=" + server.clientPrivateKeyFile()
                        + "&knownHostsFile=" + server.knownHostsFile()
                        + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false&delay=200");

        String knownHostsBefore = Files.readString(server.knownHostsFile());
        int portBefore = server.port();
        server.restart();
        assertThat(server.port()).isEqualTo(portBefore);
        assertThat(server.isRunning()).isTrue();
        assertThat(Files.readString(server.knownHostsFile())).isEqualTo(knownHostsBefore);

        server.close();
        try (SftpTestServer again = SftpTestServer.start(tmp.resolve("sftp"))) {
            assertThat(again.hostPublicKey()).isEqualTo(server.hostPublicKey());
        }
    }

    @Test
    void consumesFileWithKeyAuthAndStrictHostKeyChecking() throws Exception {
        startCamel(new RouteBuilder() {
            @Override
            public void configure() {
                from(server.sftpUri("inbox", "delay=200&move=.done&streamDownload=true&stepwise=false"))
                        .routeId("sftp-in")
                        .to(fileUri(got));
            }
        });

        server.putFile("inbox/senders-1.csv", "sender_id,country\nACME,IN\n");

        await().atMost(WAIT).untilAsserted(() -> assertThat(got.resolve("senders-1.csv"))
                .exists().hasContent("sender_id,country\nACME,IN\n"));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(server.root().resolve("inbox/.done/senders-1.csv")).exists();
            assertThat(server.root().resolve("inbox/senders-1.csv")).doesNotExist();
        });
    }

    @Test
    void wrongHostKeyConsumesNothingAndReportsTheMismatch() throws Exception {
        RecordingPollStrategy polls = new RecordingPollStrategy();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("recordingPollStrategy", polls);
        server.putFile("inbox/senders-2.csv", "sender_id,country\nWRONG,IN\n");

        startCamel(new RouteBuilder() {
            @Override
            public void configure() {
                from(server.sftpUri("inbox", server.wrongKnownHostsFile(),
                        "delay=200&move=.done&streamDownload=true&stepwise=false"
                                + "&maximumReconnectAttempts=0&throwExceptionOnConnectFailed=true"
                                + "&pollStrategy=#recordingPollStrategy"))
                        .routeId("sftp-wrong-key")
                        .to(fileUri(got));
            }
        });

        await().atMost(WAIT).until(() -> !polls.failures.isEmpty());
        Throwable failure = polls.failures.get(0);
        String chain = describe(failure);
        System.out.println("Wrong host key, consumer reported: " + chain);

        assertThat(failure).hasMessage("Cannot connect to sftp://partner@127.0.0.1:" + server.port());
        assertThat(chain).contains("com.jcraft.jsch.JSchChangedHostKeyException: HostKey has been changed: [127.0.0.1]:"
                + server.port());
        assertThat(server.root().resolve("inbox/senders-2.csv")).exists();
        assertThat(server.root().resolve("inbox/.done")).doesNotExist();
        assertThat(got).doesNotExist();
        assertThat(polls.successfulPolls.get()).isZero();
    }

    @Test
    void consumerReconnectsAfterServerRestart() throws Exception {
        startCamel(new RouteBuilder() {
            @Override
            public void configure() {
                from(server.sftpUri("inbox",
                        "delay=200&move=.done&streamDownload=true&stepwise=false&reconnectDelay=200"))
                        .routeId("sftp-restart")
                        .to(fileUri(got));
            }
        });

        server.putFile("inbox/before.csv", "sender_id\nBEFORE\n");
        await().atMost(WAIT).untilAsserted(() -> assertThat(got.resolve("before.csv")).hasContent("sender_id\nBEFORE\n"));

        int port = server.port();
        int sessionsBefore = server.authenticatedSessions();
        server.stop();
        Thread.sleep(600);
        server.restart();
        assertThat(server.port()).isEqualTo(port);

        server.putFile("inbox/after.csv", "sender_id\nAFTER\n");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(got.resolve("after.csv")).hasContent("sender_id\nAFTER\n");
            assertThat(server.root().resolve("inbox/.done/after.csv")).exists();
        });
        assertThat(server.authenticatedSessions()).isGreaterThan(sessionsBefore);
    }

    /*
     * readLock=changed compares size and mtime between checks, so the check interval must be longer than the
     * partner's pauses. Adding readLockMinAge switches the check to "mtime older than minAge" only, and SFTP mtimes
     * have whole-second resolution: readLockMinAge=1s grabbed this file half written.
     */
    @Test
    void changedReadLockWaitsForSlowUploadToFinish() throws Exception {
        byte[] content = "sender_id,country\n".repeat(200).getBytes(StandardCharsets.UTF_8);

        startCamel(new RouteBuilder() {
            @Override
            public void configure() {
                from(server.sftpUri("inbox", "initialDelay=0&delay=200&move=.done&streamDownload=true"
                        + "&stepwise=false&readLock=changed&readLockCheckInterval=1000&readLockTimeout=10000"))
                        .routeId("sftp-slow")
                        .to(fileUri(got));
            }
        });

        CompletableFuture<Path> upload = server.uploadSlowly("inbox/slow.csv", content, 6, Duration.ofMillis(400));
        upload.get(5, TimeUnit.SECONDS);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(got.resolve("slow.csv")).hasBinaryContent(content);
            assertThat(server.root().resolve("inbox/.done/slow.csv")).hasBinaryContent(content);
        });
    }

    @Test
    void sendEmptyMessageWhenIdleFiresOnSftp() throws Exception {
        AtomicInteger emptyPolls = new AtomicInteger();
        startCamel(new RouteBuilder() {
            @Override
            public void configure() {
                from(server.sftpUri("inbox", "delay=200&stepwise=false&sendEmptyMessageWhenIdle=true"))
                        .routeId("sftp-idle")
                        .process(exchange -> {
                            if (exchange.getMessage().getBody() == null) {
                                emptyPolls.incrementAndGet();
                            }
                        });
            }
        });

        await().atMost(WAIT).until(() -> emptyPolls.get() >= 2);
    }

    private void startCamel(RouteBuilder routes) throws Exception {
        if (camel == null) {
            camel = new DefaultCamelContext();
        }
        camel.addRoutes(routes);
        camel.start();
    }

    private static String fileUri(Path dir) {
        return "file:" + dir.toAbsolutePath();
    }

    private static String base64Of(Path knownHosts) throws Exception {
        return Files.readAllLines(knownHosts).get(0).split(" ")[2];
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- caused by ");
            }
            sb.append(c.getClass().getName()).append(": ").append(c.getMessage());
            if (c.getCause() == c) {
                break;
            }
        }
        return sb.toString();
    }

    static final class RecordingPollStrategy implements PollingConsumerPollStrategy {
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger successfulPolls = new AtomicInteger();

        @Override
        public boolean begin(Consumer consumer, Endpoint endpoint) {
            return true;
        }

        @Override
        public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
            successfulPolls.incrementAndGet();
        }

        @Override
        public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
            failures.add(cause);
            return false;
        }
    }
}
