package org.senderroute.route;

import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger database reached through a DataSource the operator binds as ledgerDataSource, not sender.ledger.url. */
class LedgerDataSourceTest extends SandboxRouteTest {

    @Test
    void aDataSourceBoundByTheOperatorHoldsTheLedger() {
        String own = "jdbc:h2:file:" + dir.resolve("own/ledger").toAbsolutePath();
        start(SandboxSettings.defaults(), Map.of("sender.ledger.store", "jdbc",
                "camel.beans.ledgerDataSource", "#class:org.h2.jdbcx.JdbcDataSource",
                "camel.beans.ledgerDataSource.url", own,
                "camel.beans.ledgerDataSource.user", "sa"));
        app.drop("own.csv", SenderFiles.csv(3));
        app.awaitTaken("own.csv");
        app.stop();

        assertThat(app.successRows("own")).hasSize(3);
        assertThat(dir.resolve("ledger/ledger.mv.db")).as("the database of sender.ledger.url").doesNotExist();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(own);
        h2.setUser("sa");
        assertThat(new JdbcSenderLedger(new LedgerDatabase(h2, "the operator's database"), 1).all(sandbox.settings().sid()))
                .hasSize(3).allSatisfy((key, entry) -> assertThat(entry.state()).isEqualTo(LedgerEntry.CREATED));
    }
}
