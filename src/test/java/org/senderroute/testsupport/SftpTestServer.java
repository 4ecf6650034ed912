package org.senderroute.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * In-process SFTP server for tests, bound to 127.0.0.1 on an ephemeral port.
 * <p>
 * Everything lives under the work directory handed to {@link #start(Path)}:
 * <ul>
 * <li>{@code root/} - what the client sees as "/" (and as its login directory);</li>
 * <li>{@code ssh_host_ecdsa_key} - the server host key (ECDSA P-256, {@code ecdsa-sha2-nistp256}),
 * generated once and reused, so {@link #restart()} or a second {@code start} on the same work directory
 * presents the same host key;</li>
 * <li>{@code id_ecdsa_partner} - the client private key, unencrypted, OpenSSH format (loadable by jsch);</li>
 * <li>{@code known_hosts} - the server's real host key for {@code [127.0.0.1]:port} and {@code [localhost]:port};</li>
 * <li>{@code known_hosts.wrong} - a different key for the same host and port.</li>
 * </ul>
 * Only public key authentication is offered, for user {@value #USERNAME} with the generated client key (and password
 * authentication too once {@link #allowPassword(String)} has been called).
 */
public final class SftpTestServer implements AutoCloseable {

    public static final String USERNAME = "partner";
    public static final String HOST = "127.0.0.1";
    /** The host key type the server presents; jsch accepts it by default. */
    public static final String HOST_KEY_TYPE = "ecdsa-sha2-nistp256";

    private static final int EC_KEY_SIZE = 256;
    private static final Duration BIND_RETRY_WINDOW = Duration.ofSeconds(5);

    private final Path workDir;
    private final Path root;
    private final Path hostKeyFile;
    private final Path clientPrivateKeyFile;
    private final Path knownHostsFile;
    private final Path wrongKnownHostsFile;
    private final PublicKey clientPublicKey;
    private final ExecutorService uploads;
    private final AtomicInteger authenticatedSessions = new AtomicInteger();
    private final List<String> renames = new CopyOnWriteArrayList<>();

    private volatile PublicKey hostPublicKey;
    private volatile SshServer sshd;
    private volatile int port;
    private volatile boolean closed;
    private volatile String password;

    private SftpTestServer(Path workDir) throws IOException {
        this.workDir = workDir.toAbsolutePath();
        this.root = Files.createDirectories(this.workDir.resolve("root"));
        this.hostKeyFile = this.workDir.resolve("ssh_host_ecdsa_key");
        this.clientPrivateKeyFile = this.workDir.resolve("id_ecdsa_partner");
        this.knownHostsFile = this.workDir.resolve("known_hosts");
        this.wrongKnownHostsFile = this.workDir.resolve("known_hosts.wrong");
        this.clientPublicKey = loadOrCreateClientKey(clientPrivateKeyFile).getPublic();
        this.uploads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sftp-test-upload");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates the keys and directories under {@code workDir} (reusing keys already there) and starts the server.
     */
    public static SftpTestServer start(Path workDir) throws IOException {
        Objects.requireNonNull(workDir, "workDir");
        Files.createDirectories(workDir);
        SftpTestServer server = new SftpTestServer(workDir);
        try {
            server.startServer(0);
            server.writeKnownHostsFiles();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    public String host() {
        return HOST;
    }

    public String username() {
        return USERNAME;
    }

    /** Local directory that is the SFTP root "/"; tests may drop and read files here directly. */
    public Path root() {
        return root;
    }

    public Path workDir() {
        return workDir;
    }

    public Path clientPrivateKeyFile() {
        return clientPrivateKeyFile;
    }

    public Path knownHostsFile() {
        return knownHostsFile;
    }

    /** A known_hosts file that lists a different key for the same {@code [host]:port} entries. */
    public Path wrongKnownHostsFile() {
        return wrongKnownHostsFile;
    }

    public Path hostKeyFile() {
        return hostKeyFile;
    }

    /** The public host key the server presents. */
    public PublicKey hostPublicKey() {
        return hostPublicKey;
    }

    /** How many client sessions have authenticated since {@link #start(Path)}, across restarts. */
    public int authenticatedSessions() {
        return authenticatedSessions.get();
    }

    /**
     * Every successful rename a client made since {@link #start(Path)}, across restarts, in order, as
     * {@code "from -> to"} with both paths relative to {@link #root()} (e.g. {@code "inbox/a.csv -> inbox/.done/a.csv"}).
     */
    public List<String> renames() {
        return List.copyOf(renames);
    }

    public boolean isRunning() {
        SshServer current = sshd;
        return current != null && current.isOpen() && current.isStarted();
    }

    /** Stops listening and drops every open session at once, as a crashing server would. */
    public synchronized void stop() throws IOException {
        SshServer current = sshd;
        sshd = null;
        if (current != null) {
            current.stop(true);
        }
    }

    /**
     * Also accepts password authentication for {@value #USERNAME} with this password from now on (the server is
     * restarted on the same port); public key authentication goes on working.
     */
    public synchronized void allowPassword(String password) throws IOException {
        this.password = Objects.requireNonNull(password, "password");
        restart();
    }

    /** Stops the server (dropping open sessions) and starts it again on the same port with the same host key. */
    public synchronized void restart() throws IOException {
        if (closed) {
            throw new IllegalStateException("server is closed");
        }
        stop();
        startServer(port);
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        uploads.shutdownNow();
        stop();
    }

    /**
     * Writes {@code content} to {@code remotePath} (relative to the SFTP root) in {@code chunks} appends, pausing
     * between them, on a background thread, as a partner that is still uploading would. The file appears (empty or
     * with the first chunk) straight away and grows until the future completes with its local path.
     */
    public CompletableFuture<Path> uploadSlowly(String remotePath, byte[] content, int chunks,
            Duration pauseBetweenChunks) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(pauseBetweenChunks, "pauseBetweenChunks");
        if (chunks < 1) {
            throw new IllegalArgumentException("chunks must be at least 1");
        }
        Path target = localPath(remotePath);
        return CompletableFuture.supplyAsync(() -> {
            try {
                Files.createDirectories(target.getParent());
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                        OutputStream out = Channels.newOutputStream(channel)) {
                    int offset = 0;
                    for (int i = 0; i < chunks; i++) {
                        int end = (int) ((long) content.length * (i + 1) / chunks);
                        out.write(content, offset, end - offset);
                        out.flush();
                        channel.force(true);
                        offset = end;
                        if (i < chunks - 1) {
                            Thread.sleep(pauseBetweenChunks.toMillis());
                        }
                    }
                }
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }, uploads);
    }

    /**
     * Places a complete file at {@code remotePath} (relative to the SFTP root) in one step: written under a hidden
     * temporary name in the same directory and renamed, so a polling consumer never sees it half written.
     */
    public Path putFile(String remotePath, byte[] content) throws IOException {
        Path target = localPath(remotePath);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
        try {
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    public Path putFile(String remotePath, String content) throws IOException {
        return putFile(remotePath, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Local path for a path on the server, relative to the SFTP root (a leading "/" is allowed). */
    public Path localPath(String remotePath) {
        Objects.requireNonNull(remotePath, "remotePath");
        String relative = stripSlashes(remotePath);
        if (relative.isEmpty()) {
            throw new IllegalArgumentException("remotePath must name a file: " + remotePath);
        }
        Path resolved = root.resolve(relative).normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new IllegalArgumentException("remotePath escapes the SFTP root: " + remotePath);
        }
        return resolved;
    }

    /**
     * Camel sftp endpoint URI for {@code directory} (relative to the login directory, which is the root), with key
     * authentication and strict host key checking against {@link #knownHostsFile()}.
     *
     * @param extraOptions further endpoint options, {@code a=b&c=d}; may be null or empty
     */
    public String sftpUri(String directory, String extraOptions) {
        return sftpUri(directory, knownHostsFile, extraOptions);
    }

    /** As {@link #sftpUri(String, String)}, checking the host key against the given known_hosts file instead. */
    public String sftpUri(String directory, Path knownHosts, String extraOptions) {
        StringBuilder uri = new StringBuilder("sftp://").append(USERNAME).append('@').append(HOST).append(':')
                .append(port);
        String dir = directory == null ? "" : stripSlashes(directory);
        if (!dir.isEmpty()) {
            uri.append('/').append(dir);
        }
        uri.append("?privateKeyFile=").append(clientPrivateKeyFile)
                .append("&knownHostsFile=").append(knownHosts.toAbsolutePath())
                .append("&strictHostKeyChecking=yes")
                .append("&useUserKnownHostsFile=false");
        if (extraOptions != null) {
            String extra = extraOptions.strip();
            while (extra.startsWith("&") || extra.startsWith("?")) {
                extra = extra.substring(1);
            }
            if (!extra.isEmpty()) {
                uri.append('&').append(extra);
            }
        }
        return uri.toString();
    }

    private void startServer(int requestedPort) throws IOException {
        long deadline = System.nanoTime() + BIND_RETRY_WINDOW.toNanos();
        while (true) {
            SshServer server = newServer(requestedPort);
            try {
                server.start();
                this.sshd = server;
                this.port = server.getPort();
                return;
            } catch (BindException e) {
                server.stop(true);
                if (requestedPort == 0 || System.nanoTime() > deadline) {
                    throw e;
                }
                sleepQuietly(Duration.ofMillis(100));
            } catch (IOException | RuntimeException e) {
                server.stop(true);
                throw e;
            }
        }
    }

    private SshServer newServer(int listenPort) throws IOException {
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(hostKeyFile);
        hostKeys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        hostKeys.setKeySize(EC_KEY_SIZE);
        hostKeys.setOverwriteAllowed(false);
        // generates the key file on first use, reads it back on every later start
        hostPublicKey = firstKey(hostKeys.loadKeys(null)).getPublic();

        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(HOST);
        server.setPort(listenPort);
        server.setKeyPairProvider(hostKeys);
        String acceptedPassword = password;
        if (acceptedPassword == null) {
            server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
            server.setPasswordAuthenticator(null);
        } else {
            server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
            server.setPasswordAuthenticator((user, given, session) -> USERNAME.equals(user) && acceptedPassword.equals(given));
        }
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setPublickeyAuthenticator(
                (user, key, session) -> USERNAME.equals(user) && KeyUtils.compareKeys(clientPublicKey, key));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void moved(ServerSession session, Path srcPath, Path dstPath, Collection<CopyOption> opts,
                    Throwable thrown) {
                try {
                    if (thrown == null) {
                        renames.add(relative(srcPath) + " -> " + relative(dstPath));
                    }
                } catch (RuntimeException e) {
                    // recording must never fail the client's rename
                    renames.add("? " + srcPath + " -> " + dstPath + " (" + e + ")");
                }
            }
        });
        server.setSubsystemFactories(List.of(sftp));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    authenticatedSessions.incrementAndGet();
                }
            }
        });
        return server;
    }

    private void writeKnownHostsFiles() throws IOException {
        Files.writeString(knownHostsFile, knownHostsLines(hostPublicKey), StandardCharsets.US_ASCII);

        PublicKey otherKey;
        try {
            otherKey = KeyUtils.generateKeyPair(HOST_KEY_TYPE, EC_KEY_SIZE).getPublic();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate a key for " + wrongKnownHostsFile, e);
        }
        Files.writeString(wrongKnownHostsFile, knownHostsLines(otherKey), StandardCharsets.US_ASCII);
    }

    private String knownHostsLines(PublicKey key) {
        String entry = PublicKeyEntry.toString(key);
        return "[" + HOST + "]:" + port + " " + entry + "\n"
                + "[localhost]:" + port + " " + entry + "\n";
    }

    private static KeyPair loadOrCreateClientKey(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return firstKey(new FileKeyPairProvider(file).loadKeys(null));
        }
        try {
            KeyPair pair = KeyUtils.generateKeyPair(HOST_KEY_TYPE, EC_KEY_SIZE);
            try (OutputStream out = Files.newOutputStream(file)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, USERNAME + "@sftp-test", null, out);
            }
            try (OutputStream out = Files.newOutputStream(file.resolveSibling(file.getFileName() + ".pub"))) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair.getPublic(), USERNAME + "@sftp-test", out);
            }
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create client key " + file, e);
        }
    }

    private static KeyPair firstKey(Iterable<KeyPair> keys) throws IOException {
        Iterator<KeyPair> it = keys == null ? null : keys.iterator();
        if (it == null || !it.hasNext()) {
            throw new IOException("no key pair loaded");
        }
        return it.next();
    }

    /** A path the SFTP subsystem reports (on the server's virtual file system, or local), relative to the root. */
    private String relative(Path path) {
        Path p = path.toAbsolutePath().normalize();
        boolean local = p.getFileSystem().equals(root.getFileSystem()) && p.startsWith(root);
        return stripSlashes(local ? root.relativize(p).toString() : p.toString());
    }

    private static String stripSlashes(String path) {
        String p = path.strip().replace('\\', '/');
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
