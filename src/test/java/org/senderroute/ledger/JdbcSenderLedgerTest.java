package org.senderroute.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.domain.SenderRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ledger database on the embedded H2 file database: what it answers, what a restart keeps, a sender written
 * again, which instance owns a sender, and the schema it creates, upgrades, keeps and refuses.
 */
class JdbcSenderLedgerTest {

    private static final String SID = JournalSenderLedgerTest.SID;
    private static final String ODD_TEXT = "bad\ttext\nover two lines \\ with a backslash, a 'quote', é and अ";

    @TempDir
    Path dir;

    /** The database under test, empty at the start of each test. */
    protected DataSource dataSource() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("ledger").toAbsolutePath());
        h2.setUser("sa");
        return h2;
    }

    private LedgerDatabase database() {
        return new LedgerDatabase(dataSource(), "the test's ledger database");
    }

    /** A ledger as the application starts it: the schema created or checked first. */
    private JdbcSenderLedger started() {
        JdbcSenderLedger ledger = new JdbcSenderLedger(database(), 1);
        ledger.start();
        return ledger;
    }

    private static SenderRequest sender(String name, String iso) {
        return SenderRequest.of(1, name, "d", iso, "123456789012");
    }

    @Test
    void outcomesSurviveARestartAndTheLatestOneCounts() {
        SenderRequest alpha = sender("alphaa", "IN");
        SenderRequest bravo = sender("BRAVOO", "in");
        JdbcSenderLedger ledger = started();
        long call = ledger.callStarted(SID, "first.csv", List.of(alpha, bravo));
        ledger.rejected(SID, "first.csv", Map.of(alpha, ODD_TEXT));
        ledger.created(SID, "first.csv", Map.of(bravo, "42"), "200 OK");
        ledger.callsSettled(List.of(call));
        ledger.flush();
        assertThat(ledger.all(SID).get("ALPHAA|in").reason()).isEqualTo(ODD_TEXT);
        long again = ledger.callStarted(SID, "second\tfile.csv", List.of(alpha));
        ledger.created(SID, "second\tfile.csv", Map.of(alpha, "43"), "200 OK");
        ledger.callsSettled(List.of(again));
        ledger.stop();

        JdbcSenderLedger reopened = started();
        Map<String, LedgerEntry> found = reopened.lookup(SID, List.of(alpha, bravo, sender("NOTSEEN", "in")));
        assertThat(found).containsOnlyKeys("ALPHAA|in", "BRAVOO|in");
        assertThat(found.get("ALPHAA|in")).satisfies(e -> {
            assertThat(e.created()).isTrue();
            assertThat(e.kaleyraId()).isEqualTo("43");
            assertThat(e.reason()).isEqualTo("200 OK");
            assertThat(e.sourceFile()).isEqualTo("second\tfile.csv");
        });
        assertThat(found.get("BRAVOO|in").kaleyraId()).isEqualTo("42");
        assertThat(reopened.lookup("OTHERSID", List.of(alpha))).as("another account's senders are its own").isEmpty();
        assertThat(reopened.pendingCalls()).isZero();
        reopened.stop();
    }

    @Test
    void aBatchOfSendersSomeAlreadyInTheLedgerIsWrittenWhole() {
        SenderRequest alpha = sender("ALPHAA", "in");
        SenderRequest bravo = sender("BRAVOO", "in");
        SenderRequest charlie = sender("CHARLIE", "in");
        JdbcSenderLedger ledger = new JdbcSenderLedger(database(), 10);
        ledger.start();
        ledger.rejected(SID, "a.csv", Map.of(alpha, "too short"));
        ledger.flush();
        ledger.created(SID, "b.csv", Map.of(alpha, "1", bravo, "2", charlie, "3"), "200 OK");
        ledger.stop();

        Map<String, LedgerEntry> all = started().all(SID);
        assertThat(all).hasSize(3).allSatisfy((key, entry) -> assertThat(entry.created()).isTrue());
        assertThat(all.get("ALPHAA|in").kaleyraId()).isEqualTo("1");
    }

    @Test
    void aCallLeftOpenByACrashMakesItsSendersPendingUntilTheyAreSettled() {
        SenderRequest alpha = sender("ALPHAA", "in");
        SenderRequest bravo = sender("BRAVOO", "in");
        JdbcSenderLedger crashed = started();
        crashed.callStarted(SID, "big.csv", List.of(alpha, bravo));
        // no reply, no stop: the process died here

        JdbcSenderLedger ledger = started();
        JournalSenderLedgerTest.assertPendingUntilSettled(ledger, alpha, bravo);
        ledger.stop();
        assertThat(started().pendingCalls()).as("only the crashed call is left").isEqualTo(1);
    }

    @Test
    void aFileTakenKeepsItsOutputNamesAndIsKnownAsDoneOnceDelivered() {
        started().stop();
        JdbcFileLedger files = new JdbcFileLedger(database());
        assertThat(files.begin("a.csv", "sha-1", "a.20261126T101010Z").alreadyDone()).isFalse();
        files.begin("b\tc.csv", "sha-2", "b.20261126T101011Z");
        files.done("b\tc.csv", "sha-2", "2 records, 2 succeeded, 0 failed");

        JdbcFileLedger again = new JdbcFileLedger(database());
        assertThat(again.begin("a.csv", "sha-1", "a.20261126T120000Z")).as("taken, not finished: same outputs")
                .satisfies(v -> {
                    assertThat(v.alreadyDone()).isFalse();
                    assertThat(v.outputStem()).isEqualTo("a.20261126T101010Z");
                });
        assertThat(again.begin("b\tc.csv", "sha-2", "b.x")).satisfies(v -> {
            assertThat(v.alreadyDone()).isTrue();
            assertThat(v.doneAt()).isNotNull();
            assertThat(v.summary()).isEqualTo("2 records, 2 succeeded, 0 failed");
        });
        assertThat(again.begin("b\tc.csv", "sha-3", "b.y").alreadyDone()).as("changed content: a new file").isFalse();
    }

    @Test
    void theSchemaIsCreatedOnceAndKeptAtEveryStart() throws SQLException {
        started().stop();
        started().stop();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM ledger_schema")) {
            rs.next();
            assertThat(rs.getInt(1)).as("a row per version, none added by the second start").isEqualTo(4);
            assertThat(rs.getInt(2)).isEqualTo(4);
        }
    }

    @Test
    void aSchemaAnOlderVersionMadeIsUpgradedAndItsRowsKept() throws SQLException {
        SenderRequest alpha = sender("ALPHAA", "in");
        JdbcSenderLedger older = started();
        older.created(SID, "a.csv", Map.of(alpha, "42"), "200 OK");
        older.callStarted(SID, "b.csv", List.of(sender("BRAVOO", "in")));
        older.stop();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            // the schema as version 1 of this module left it
            c.setAutoCommit(true);
            s.execute("DROP TABLE sender_owner");
            s.execute("DELETE FROM ledger_schema WHERE version > 1");
        }

        JdbcSenderLedger upgraded = started();
        assertThat(upgraded.all(SID)).hasSize(2).containsKeys("ALPHAA|in", "BRAVOO|in");
        assertThat(upgraded.all(SID).get("ALPHAA|in").kaleyraId()).isEqualTo("42");
        assertThat(upgraded.pendingCalls()).isEqualTo(1);
        assertThat(upgraded.own(SID, List.of(alpha)).busy()).isEmpty();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT MAX(version) FROM ledger_schema")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(4);
        }
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM sender_owner WHERE instance_no IS NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).as("version 4's column is there").isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void aSenderOwnedByABatchOfALiveInstanceIsBusyForAnotherUntilItsOutcomeIsWritten() {
        SenderRequest alpha = sender("ALPHAA", "in");
        SenderRequest bravo = sender("bravoo", "IN");
        SenderRequest charlie = sender("CHARLIE", "in");
        JdbcSenderLedger first = new JdbcSenderLedger(database(), 100, "first");
        first.start();
        JdbcSenderLedger second = new JdbcSenderLedger(database(), 100, "second");
        second.start();

        SenderOwnership one = first.own(SID, List.of(alpha, bravo));
        assertThat(one.busy()).isEmpty();
        assertThat(one.takenOver()).isEmpty();
        SenderOwnership two = second.own(SID, List.of(bravo, charlie));
        assertThat(two.busy()).containsExactly(Map.entry("BRAVOO|in", "first"));
        assertThat(second.own("OTHERSID", List.of(alpha)).busy()).as("another account's senders are its own").isEmpty();
        assertThat(second.own(SID, List.of(charlie)).busy()).as("its own earlier batch is busy too")
                .containsOnlyKeys("CHARLIE|in");

        first.created(SID, "a.csv", Map.of(alpha, "1", bravo, "2"), "200 OK");
        assertThat(second.own(SID, List.of(bravo)).busy()).as("busy until the batch is over").isNotEmpty();
        first.disown(one.id(), true);
        SenderOwnership three = second.own(SID, List.of(bravo));
        assertThat(three.busy()).as("free once the batch is over, its outcome written").isEmpty();
        assertThat(three.takenOver()).isEmpty();
        assertThat(second.lookup(SID, List.of(bravo)).get("BRAVOO|in").created()).isTrue();
        first.stop();
        second.stop();
    }

    @Test
    void theSendersOfABatchWhoseOutcomeStayedUnknownAreTakenOverAsUnknown() {
        SenderRequest alpha = sender("ALPHAA", "in");
        SenderRequest bravo = sender("BRAVOO", "in");
        JdbcSenderLedger first = new JdbcSenderLedger(database(), 100, "first");
        first.start();
        JdbcSenderLedger second = new JdbcSenderLedger(database(), 100, "second");
        second.start();

        SenderOwnership one = first.own(SID, List.of(alpha, bravo));
        first.disown(one.id(), false);
        first.flush();
        SenderOwnership two = second.own(SID, List.of(alpha));
        assertThat(two.busy()).isEmpty();
        assertThat(two.takenOver()).containsExactly(Map.entry("ALPHAA|in", "first"));
        assertThat(first.own(SID, List.of(alpha, bravo)).busy()).as("now the second instance's")
                .containsOnlyKeys("ALPHAA|in");
        first.stop();
        second.stop();
    }

    @Test
    void theSendersOfAnInstanceGoneAreTakenOverOnce() {
        SenderRequest alpha = sender("ALPHAA", "in");
        JdbcSenderLedger gone = new JdbcSenderLedger(database(), 100, "gone");
        gone.start();
        assertThat(gone.own(SID, List.of(alpha)).busy()).isEmpty();
        JdbcSenderLedger heir = new JdbcSenderLedger(database(), 100, "heir");
        heir.start();
        JdbcSenderLedger other = new JdbcSenderLedger(database(), 100, "other");
        other.start();
        assertThat(heir.own(SID, List.of(alpha)).busy()).as("its instance is alive").containsOnlyKeys("ALPHAA|in");

        gone.stop();
        assertThat(heir.own(SID, List.of(alpha)).takenOver()).containsExactly(Map.entry("ALPHAA|in", "gone"));
        assertThat(other.own(SID, List.of(alpha)).busy()).as("taken over once").containsOnlyKeys("ALPHAA|in");
        heir.stop();
        other.stop();
    }

    @Test
    void aSchemaNewerThanThisModuleStopsTheStartNamed() throws SQLException {
        started().stop();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("INSERT INTO ledger_schema (version) VALUES (99)");
        }
        assertThatThrownBy(this::started).hasMessageContaining("the test's ledger database")
                .hasMessageContaining("schema version 99");
    }
}
