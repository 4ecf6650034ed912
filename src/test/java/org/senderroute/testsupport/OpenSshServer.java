package org.senderroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real OpenSSH server ({@code /usr/sbin/sshd}) for tests, started on a free loopback port with a configuration of
 * its own, so that paths behave as on a partner's server: an absolute path is absolute, a relative one starts from
 * the login directory. Unlike {@link SftpTestServer}, nothing is hidden behind a virtual file system.
 * <p>
 * Everything lives under the work directory handed to {@link #start(Path)}:
 * <ul>
 * <li>{@code sshd_config}, {@code sshd.pid} and {@code sshd.log} (what sshd wrote on stderr);</li>
 * <li>{@code ssh_host_ed25519_key} - the server host key, made by {@code ssh-keygen};</li>
 * <li>{@code id_ed25519_partner} - the client key, unencrypted, the only one in {@code authorized_keys};</li>
 * <li>{@code known_hosts} - the server's host key for {@code [127.0.0.1]:port};</li>
 * <li>{@code known_hosts.wrong} - another key for the same host and port;</li>
 * <li>{@code home/} - where every SFTP session starts (the login directory), so that no real home is touched.</li>
 * </ul>
 * The login is the user running the tests (sshd started by another user accepts only that user), with the client
 * key only. sshd needs root for its privilege separation directory: without {@code /usr/sbin/sshd} or where it
 * cannot run, the test is skipped, except in CI ({@code CI=true}), where it fails instead.
 */
public final class OpenSshServer implements AutoCloseable {

    public static final String SSHD = "/usr/sbin/sshd";
    public static final String HOST = "127.0.0.1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

    private final Path workDir;
    private final Path home;
    private final Path config;
    private final Path log;
    private final Path clientPrivateKeyFile;
    private final Path knownHostsFile;
    private final Path wrongKnownHostsFile;
    private final String username = System.getProperty("user.name");
    private Process sshd;
    private int port;

    private OpenSshServer(Path workDir) {
        this.workDir = workDir.toAbsolutePath();
        this.home = this.workDir.resolve("home");
        this.config = this.workDir.resolve("sshd_config");
        this.log = this.workDir.resolve("sshd.log");
        this.clientPrivateKeyFile = this.workDir.resolve("id_ed25519_partner");
        this.knownHostsFile = this.workDir.resolve("known_hosts");
        this.wrongKnownHostsFile = this.workDir.resolve("known_hosts.wrong");
    }

    /** Makes the keys and the configuration under {@code workDir} and starts sshd; skips the test where it cannot. */
    public static OpenSshServer start(Path workDir) {
        if (!Files.isExecutable(Path.of(SSHD))) {
            unavailable(SSHD + " is not installed (Debian: apt-get install openssh-server)");
        }
        OpenSshServer server = new OpenSshServer(workDir);
        try {
            server.prepare();
            server.startSshd();
        } catch (IOException e) {
            server.close();
            unavailable(e.getMessage());
        } catch (IllegalStateException e) {
            server.close();
            if (!"root".equals(server.username)) {
                unavailable(e.getMessage() + " (sshd may need root here)");
            }
            throw e;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("OpenSSH's sshd is needed for this test and cannot run in CI: " + why);
        }
        Assumptions.abort("OpenSSH's sshd cannot run here: " + why);
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String username() {
        return username;
    }

    /** The login directory: where a relative path starts. */
    public Path home() {
        return home;
    }

    public Path workDir() {
        return workDir;
    }

    /** A known_hosts file that lists another key for the server. */
    public Path wrongKnownHostsFile() {
        return wrongKnownHostsFile;
    }

    /** The settings of an SFTP drop of {@code directory} on this server; extra pairs override them. */
    public Map<String, String> dropSettings(String directory, String... overrides) {
        return SftpDropSettings.of(HOST, port, username, clientPrivateKeyFile, knownHostsFile, directory, overrides);
    }

    /** How many logins sshd accepted so far (its "Accepted publickey" lines). */
    public long acceptedLogins() {
        return logLines().stream().filter(l -> l.startsWith("Accepted publickey for ")).count();
    }

    /** What sshd wrote on stderr so far. */
    public List<String> logLines() {
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prepare() throws IOException {
        Files.createDirectories(home);
        Path hostKey = workDir.resolve("ssh_host_ed25519_key");
        Path otherKey = workDir.resolve("other_host_ed25519_key");
        Path authorizedKeys = workDir.resolve("authorized_keys");
        keygen(hostKey);
        keygen(otherKey);
        keygen(clientPrivateKeyFile);
        Files.copy(Path.of(clientPrivateKeyFile + ".pub"), authorizedKeys);
        Files.writeString(config, String.join("\n",
                "ListenAddress " + HOST,
                "Port %PORT%",
                "HostKey " + hostKey,
                "PidFile " + workDir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorizedKeys,
                "AuthenticationMethods publickey",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "Subsystem sftp internal-sftp",
                // every session starts in home/, whoever runs the tests
                "ForceCommand internal-sftp -d " + home,
                ""), StandardCharsets.UTF_8);
        // the privilege separation directory sshd insists on (Debian creates it when the service starts)
        Path privsep = Path.of("/run/sshd");
        if (!Files.isDirectory(privsep)) {
            try {
                Files.createDirectories(privsep);
            } catch (IOException e) {
                throw new IOException("sshd needs " + privsep + ", which cannot be created here (needs root): " + e);
            }
        }
    }

    private void startSshd() throws IOException {
        String template = Files.readString(config, StandardCharsets.UTF_8);
        String lastLog = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            port = RouteHarness.freePort();
            Path attemptConfig = workDir.resolve("sshd_config." + attempt);
            Files.writeString(attemptConfig, template.replace("%PORT%", Integer.toString(port)), StandardCharsets.UTF_8);
            sshd = new ProcessBuilder(SSHD, "-D", "-e", "-f", attemptConfig.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (awaitListening()) {
                writeKnownHosts();
                return;
            }
            lastLog = String.join("\n", logLines());
            stopSshd();
        }
        throw new IllegalStateException("sshd did not start on " + HOST + ": " + lastLog);
    }

    /** True once the port accepts connections; false when sshd ended or did not listen in time. */
    private boolean awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!sshd.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 500);
                return true;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private void writeKnownHosts() throws IOException {
        String host = "[" + HOST + "]:" + port + " ";
        Files.writeString(knownHostsFile, host + Files.readString(workDir.resolve("ssh_host_ed25519_key.pub")));
        Files.writeString(wrongKnownHostsFile, host + Files.readString(workDir.resolve("other_host_ed25519_key.pub")));
    }

    private static void keygen(Path file) throws IOException {
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", file.toString())
                .redirectErrorStream(true).start();
        try {
            if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
                keygen.destroyForcibly();
                throw new IOException("ssh-keygen failed: "
                        + new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a key", e);
        }
    }

    private void stopSshd() {
        if (sshd == null) {
            return;
        }
        // the sessions are child processes of the listener: they go too
        sshd.descendants().forEach(ProcessHandle::destroy);
        sshd.destroy();
        try {
            if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sshd = null;
    }

    @Override
    public void close() {
        stopSshd();
    }
}
