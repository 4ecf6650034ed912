package org.senderroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL 14 of one test's own, which the test can stop and start again: same data directory, same port, so the
 * module's URL stays valid and its data survives, as when a real server is restarted. The shared
 * {@link EmbeddedPostgresServer} serves every test and is never stopped; this one is for the tests of a database
 * that goes away. One database, owned by a role that logs in with its password (SCRAM), as on a real server.
 */
public final class StoppablePostgres implements AutoCloseable {

    private static final String NAME = "ledger_down";
    private static final String PASSWORD = "pw-ledger-down";

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    private StoppablePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** Starts a new server in that (empty or absent) directory, with a database and its role. */
    public static StoppablePostgres create(Path dataDirectory) {
        StoppablePostgres pg = new StoppablePostgres(dataDirectory, RouteHarness.freePort());
        pg.start();
        try (Connection c = pg.server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + NAME + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("CREATE DATABASE " + NAME + " OWNER " + NAME);
        } catch (SQLException e) {
            throw new IllegalStateException("the test database cannot be created: " + e.getMessage(), e);
        }
        return pg;
    }

    /** The database and its login. */
    public EmbeddedPostgresServer.Database database() {
        return new EmbeddedPostgresServer.Database("jdbc:postgresql://localhost:" + port + "/" + NAME, NAME, PASSWORD);
    }

    /** Starts the server (again) on its data directory and port. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            Files.createDirectories(dataDirectory);
            server = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                    .setPort(port).setDataDirectoryCustomizer(EmbeddedPostgresServer::passwords).start();
        } catch (IOException e) {
            throw new UncheckedIOException("the test's PostgreSQL does not start", e);
        }
    }

    /** Stops the server (a fast shutdown: the sessions of the module are ended); the data stays. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("the test's PostgreSQL does not stop", e);
        } finally {
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
