package org.senderroute.packaging;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.JarProcess;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The built jar as an operator runs it: from an empty working directory, every setting from the environment (the
 * module's and Camel's), its management server on loopback unless told otherwise.
 */
class RunsAnywhereIT {

    @TempDir
    Path workDir;

    private final KaleyraSandbox sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** Every setting the run needs, as environment variables only; data under the (empty) working directory. */
    private Map<String, String> environment(int managementPort) {
        Map<String, String> env = JarProcess.environmentFor(sandbox);
        env.put("SENDER_INBOX", "drop");
        env.put("SENDER_INBOX_MIN_AGE", "0");
        env.put("SENDER_INBOX_POLL_DELAY", "200");
        env.put("CAMEL_MANAGEMENT_PORT", Integer.toString(managementPort));
        return env;
    }

    private void drop(String name, int records) throws IOException {
        Files.createDirectories(workDir.resolve("drop"));
        Files.writeString(workDir.resolve("drop").resolve(name), SenderFiles.csv(records));
    }

    @Test
    void theJarRunsFromAnEmptyDirectoryWithItsSettingsFromTheEnvironment() throws Exception {
        int port = RouteHarness.freePort();
        drop("partner.csv", 12);
        JarProcess run = JarProcess.startBare(workDir, environment(port));
        try {
            String health = "http://127.0.0.1:" + port + "/observe/health";
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> status(health) == 200);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.exists(workDir.resolve("drop/.done/partner.csv")));

            assertThat(Outputs.rows(workDir.resolve("data/output/success"), "partner")).hasSize(12);
            assertThat(sandbox.createdCount()).isEqualTo(12);
            // the checks' details, and nothing secret in them
            String details = body(health + "?data=true");
            assertThat(details).contains("\"checks\"", "kaleyra-credentials", "inbox-writable")
                    .doesNotContain(sandbox.settings().apiKey());
            // the server listens on loopback only
            Optional<InetAddress> other = nonLoopbackAddress();
            if (other.isPresent()) {
                assertThat(accepts(other.get(), port)).as("listening on " + other.get()).isFalse();
            }
            assertThat(run.output()).contains("Management server on http://127.0.0.1:" + port + "/observe");
        } finally {
            run.process().destroy();
            assertThat(run.waitFor(60)).isTrue();
        }
        assertThat(Files.list(workDir).map(p -> p.getFileName().toString())).doesNotContain("config", "routes");
    }

    @Test
    void aTakenManagementPortIsToldOnceGoesOnAndAServiceDoesNotStart() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            drop("partner.csv", 5);

            JarProcess once = JarProcess.startBare(workDir, environment(port), "--once");
            assertThat(once.waitFor(90)).isTrue();
            assertThat(once.exitValue()).as(once.output()).isZero();
            assertThat(once.output()).containsOnlyOnce("the management server cannot listen on 127.0.0.1:" + port);
            assertThat(Outputs.rows(workDir.resolve("data/output/success"), "partner")).hasSize(5);

            JarProcess service = JarProcess.startBare(workDir, environment(port));
            assertThat(service.waitFor(90)).isTrue();
            assertThat(service.exitValue()).isEqualTo(1);
            assertThat(service.output()).contains("cannot start: the management server cannot listen on 127.0.0.1:" + port);
        }
    }

    @Test
    void aConfigurationDirectoryAndARoutesDirectoryOverrideThoseOfTheJar() throws Exception {
        Path config = Files.createDirectories(workDir.resolve("etc"));
        Files.writeString(config.resolve("application.properties"), "sender.inbox = elsewhere\n");
        Path routes = Files.createDirectories(workDir.resolve("my-routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path route : files.toList()) {
                Files.copy(route, routes.resolve(route.getFileName()));
            }
        }
        // an edited route: the success output is written under another folder
        Path deliver = routes.resolve("40-deliver-outputs.camel.yaml");
        Files.writeString(deliver, Files.readString(deliver).replace("{{sender.output.success}}", "file:edited-success"));
        Files.createDirectories(workDir.resolve("elsewhere"));
        Files.writeString(workDir.resolve("elsewhere/partner.csv"), SenderFiles.csv(3));
        Map<String, String> env = environment(RouteHarness.freePort());
        env.remove("SENDER_INBOX");
        env.put("SENDER_ROUTES_DIR", routes.toString());

        JarProcess run = JarProcess.startBare(workDir, env, "--config-dir", config.toString(), "--once");
        assertThat(run.waitFor(90)).isTrue();
        assertThat(run.exitValue()).as(run.output()).isZero();
        assertThat(Outputs.rows(workDir.resolve("edited-success"), "partner")).hasSize(3);

        JarProcess missing = JarProcess.startBare(workDir, env, "--config-dir", "nowhere", "--once");
        assertThat(missing.waitFor(60)).isTrue();
        assertThat(missing.exitValue()).isEqualTo(1);
        assertThat(missing.output()).contains("the configuration directory", "nowhere", "does not exist");
    }

    private static int status(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    private static String body(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try (var in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                List<InetAddress> addresses = Collections.list(nic.getInetAddresses());
                for (InetAddress address : addresses) {
                    if (address instanceof Inet4Address) {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
