package org.senderroute.ledger;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.senderroute.domain.LedgerUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures mean the ledger's database cannot be reached, and what is told of them. */
class ConnectionLossTest {

    private static final String DB = "jdbc:postgresql://db.example:5432/ledger";

    @Test
    void aRefusedConnectionOrAServerShuttingDownIsAnUnreachableDatabase() {
        assertThat(ConnectionLoss.of(DB, new SQLException("Connection to db.example:5432 refused.", "08001")))
                .hasMessage("the ledger database " + DB + " cannot be reached: Connection to db.example:5432 refused.");
        assertThat(ConnectionLoss.of(DB, new SQLException("FATAL: terminating connection due to administrator command",
                "57P01"))).isNotNull();
        assertThat(ConnectionLoss.of(DB, new SQLException("FATAL: the database system is starting up", "57P03")))
                .isNotNull();
    }

    @Test
    void aPoolTimeoutTellsTheDriversReasonForTheLastConnection() {
        SQLTransientConnectionException timeout = new SQLTransientConnectionException(
                "sender-ledger - Connection is not available, request timed out after 5000ms", "08001",
                new SQLException("FATAL: password authentication failed for user \"ledger\"", "28P01"));
        LedgerUnavailableException lost = ConnectionLoss.of(DB, new RuntimeException(timeout));
        assertThat(lost).hasMessageEndingWith("cannot be reached: FATAL: password authentication failed for user \"ledger\"");
    }

    @Test
    void aBatchCutByTheServerGoingAwayIsToldWithoutItsStatement() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT INTO sender_ledger VALUES "
                + "('SANDBOXSID', 'SX0001') was aborted", "08006", new int[0]);
        batch.setNextException(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
        LedgerUnavailableException lost = ConnectionLoss.of(DB, batch);
        assertThat(lost).isNotNull();
        assertThat(lost.getMessage()).doesNotContain("SX0001", "INSERT").endsWith("sending to the backend.");

        BatchUpdateException alone = new BatchUpdateException("Batch entry 0 INSERT INTO sender_ledger VALUES "
                + "('SANDBOXSID', 'SX0001') was aborted", "08006", new int[0]);
        assertThat(ConnectionLoss.of(DB, alone).getMessage()).doesNotContain("SX0001", "INSERT");
    }

    @Test
    void aDatabaseThatAnsweredIsNoLossOfIt() {
        assertThat(ConnectionLoss.of(DB, new SQLException("duplicate key value violates unique constraint", "23505")))
                .isNull();
        assertThat(ConnectionLoss.of(DB, new SQLException("FATAL: password authentication failed", "28P01"))).isNull();
        assertThat(ConnectionLoss.of(DB, new IllegalStateException("no SQL here"))).isNull();
    }
}
