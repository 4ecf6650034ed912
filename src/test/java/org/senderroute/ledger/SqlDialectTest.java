package org.senderroute.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.testsupport.EmbeddedPostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Each upsert on a database that speaks it: a new row inserted, an existing one updated, its key kept. */
class SqlDialectTest {

    private static final List<String> COLUMNS = List.of("k1 VARCHAR(8)", "k2 VARCHAR(8)", "v VARCHAR(20)");

    @TempDir
    Path dir;

    @Test
    void postgresqlIsRecognisedAndUpserts() throws SQLException {
        assertUpserts(EmbeddedPostgresServer.newDatabase().dataSource(), SqlDialect.POSTGRESQL);
    }

    @Test
    void h2IsRecognisedAndUpserts() throws SQLException {
        assertUpserts(h2(), SqlDialect.H2);
    }

    @Test
    void theStandardMergeUpsertsOnADatabaseThatSpeaksIt() throws SQLException {
        assertUpserts(h2(), null);
    }

    private DataSource h2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
        h2.setUser("sa");
        return h2;
    }

    /** @param expected the dialect the database is known as, or null to try the standard one on it */
    private static void assertUpserts(DataSource ds, SqlDialect expected) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            SqlDialect dialect = SqlDialect.of(c);
            if (expected != null) {
                assertThat(dialect).isEqualTo(expected);
            } else {
                dialect = SqlDialect.STANDARD;
            }
            c.setAutoCommit(true);
            s.execute("CREATE TABLE t (k1 VARCHAR(8) NOT NULL, k2 VARCHAR(8) NOT NULL, v VARCHAR(20), PRIMARY KEY (k1, k2))");
            String upsert = dialect.upsert("t", COLUMNS, List.of("k1", "k2"));
            try (PreparedStatement p = c.prepareStatement(upsert)) {
                for (String[] row : new String[][] {{"a", "x", "first"}, {"a", "y", "other"}, {"a", "x", "second"}}) {
                    p.setString(1, row[0]);
                    p.setString(2, row[1]);
                    p.setString(3, row[2]);
                    p.addBatch();
                    p.executeBatch();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT k1, k2, v FROM t ORDER BY k2")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(3)).isEqualTo("second");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(3)).isEqualTo("other");
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
