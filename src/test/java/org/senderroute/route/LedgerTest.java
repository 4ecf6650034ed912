package org.senderroute.route;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.senderroute.ledger.JournalSenderLedger;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The ledger: nothing sent twice, our own successes never turned into failures, re-dropped files recognised. */
class LedgerTest extends SandboxRouteTest {

    @BeforeEach
    void start() {
        start(SandboxSettings.defaults(), store());
    }

    /** The settings of the sender ledger under test: the journal, as shipped. */
    protected Map<String, String> store() {
        return Map.of();
    }

    /** The journal is the whole ledger: no database is created beside it. */
    protected void assertLedgerStore() {
        assertThat(dir.resolve("ledger/ledger.journal")).isNotEmptyFile();
        assertThat(dir.resolve("ledger/ledger.mv.db")).doesNotExist();
    }

    /** The sender ledger as the stopped application left it, opened again. */
    protected SenderLedger reopen() throws Exception {
        return JournalSenderLedger.open(dir.resolve("ledger/ledger.journal"), false);
    }


    @Test
    void theSameFileDroppedTwiceIsNotProcessedASecondTime() throws Exception {
        String content = SenderFiles.csv(5);
        app.drop("twice.csv", content);
        app.awaitTaken("twice.csv");
        int calls = sandbox.postCalls();

        app.drop("twice.csv", content);
        await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(app.inbox().resolve("twice.csv")));
        try (var archived = Files.list(app.inbox().resolve(".done"))) {
            assertThat(archived.map(p -> p.getFileName().toString())).hasSize(2).allMatch(n -> n.startsWith("twice.csv"));
        }
        assertThat(sandbox.postCalls()).isEqualTo(calls);
        assertThat(app.successRows("twice")).hasSize(5);
        assertLedgerStore();
        assertThat(app.failureRows("twice")).isEmpty();
    }

    @Test
    void aChangedFileWithTheSameNameIsProcessedAndItsCreatedSendersAreNotSentAgain() {
        app.drop("changing.csv", SenderFiles.csv(4));
        app.awaitTaken("changing.csv");
        String firstId = RouteHarness.byRecord(app.successRows("changing"), "kaleyra_id").get("2");
        sandbox.reset();

        app.drop("changing.csv", SenderFiles.csv(6));
        await().atMost(Duration.ofSeconds(20)).until(() -> app.successRows("changing").size() == 10);

        assertThat(sandbox.requestSizes()).containsExactly(2);
        assertThat(app.successRows("changing")).filteredOn(r -> r.get("message").startsWith("registered earlier by this module"))
                .hasSize(4).anySatisfy(r -> {
                    assertThat(r.get("record")).isEqualTo("2");
                    assertThat(r.get("kaleyra_id")).isEqualTo(firstId);
                    assertThat(r.get("message")).contains("changing.csv");
                });
        assertThat(app.failureRows("changing")).isEmpty();
    }

    @Test
    void aSenderCreatedFromAnotherFileIsReportedAsRegisteredEarlier() {
        app.drop("first.csv", SenderFiles.csv(3));
        app.awaitTaken("first.csv");
        app.drop("second.jsonl", "{\"sender\":\"" + SenderFiles.sender(2) + "\",\"description\":\"again\",\"iso_code\":\"IN\","
                + "\"entity_id\":\"123456789012\"}\n");
        app.awaitTaken("second.jsonl");

        assertThat(app.successRows("second")).singleElement().satisfies(r -> {
            assertThat(r.get("kaleyra_id")).isEqualTo(String.valueOf(sandbox.find("in", SenderFiles.sender(2)).orElseThrow().id()));
            assertThat(r.get("message")).contains("registered earlier by this module", "first.csv");
        });
        assertThat(sandbox.requestSizes()).containsExactly(3);
    }

    @Test
    void theLedgerRecordsEveryOutcome() throws Exception {
        sandbox.faults().createThenAnswerLateNext(1, Duration.ofSeconds(7));
        app.drop("outcomes.csv", "sender,description,iso_code,entity_id\n" + SenderFiles.sender(1) + ",d,in,123456789012\n");
        app.awaitTaken("outcomes.csv");
        app.drop("more.csv", "sender,description,iso_code,entity_id\n" + SenderFiles.sender(2) + ",d,in,123456789012\nSEVENXX,d,IN,123456789012\n");
        app.awaitTaken("more.csv");
        app.drop("rejected.json", "[{\"sender\":\"ABC123\",\"description\":\"x\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"},"
                + "{\"sender\":\"ABC123\",\"description\":\"x\",\"iso_code\":\"gb\"}]");
        app.awaitTaken("rejected.json");

        app.stop();
        SenderLedger ledger = reopen();
        try {
            Map<String, LedgerEntry> all = ledger.all("SANDBOXSID");
            assertThat(ledger.pendingCalls()).as("every call settled, none left pending").isZero();
            assertThat(all.get(SenderFiles.sender(1) + "|in").state()).isEqualTo(LedgerEntry.CREATED);
            assertThat(all.get(SenderFiles.sender(1) + "|in").reason()).contains("reply was lost");
            assertThat(all.get(SenderFiles.sender(2) + "|in").kaleyraId())
                    .isEqualTo(String.valueOf(sandbox.find("in", SenderFiles.sender(2)).orElseThrow().id()));
            assertThat(all).doesNotContainKey("SEVENXX|in");
            assertThat(all).containsKeys("ABC123|in", "ABC123|gb");
        } finally {
            if (ledger instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
