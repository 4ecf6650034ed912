package org.senderroute.ledger;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The files taken, in the journal beside the senders: what a restart remembers of them. */
class JournalFileLedgerTest {

    @TempDir
    Path dir;

    @Test
    void aFileTakenKeepsItsOutputNamesAndIsKnownAsDoneOnceDelivered() throws Exception {
        Path file = dir.resolve("ledger.journal");
        try (LedgerJournal journal = LedgerJournal.open(file, true)) {
            JournalFileLedger files = new JournalFileLedger(journal);
            JournalSenderLedger senders = new JournalSenderLedger(journal, dir);
            journal.replay(senders, files);
            assertThat(files.begin("a.csv", "sha-1", "a.20261126T101010Z")).satisfies(v -> {
                assertThat(v.alreadyDone()).isFalse();
                assertThat(v.outputStem()).isEqualTo("a.20261126T101010Z");
            });
            files.begin("b\tc.csv", "sha-2", "b.20261126T101011Z");
            files.done("b\tc.csv", "sha-2", "2 records, 2 succeeded, 0 failed");
        }
        try (LedgerJournal journal = LedgerJournal.open(file, true)) {
            JournalFileLedger files = new JournalFileLedger(journal);
            journal.replay(files);
            assertThat(files.begin("a.csv", "sha-1", "a.20261126T120000Z")).as("taken, not finished: same outputs")
                    .satisfies(v -> {
                        assertThat(v.alreadyDone()).isFalse();
                        assertThat(v.outputStem()).isEqualTo("a.20261126T101010Z");
                    });
            assertThat(files.begin("b\tc.csv", "sha-2", "b.x")).satisfies(v -> {
                assertThat(v.alreadyDone()).isTrue();
                assertThat(v.doneAt()).isNotNull();
                assertThat(v.summary()).isEqualTo("2 records, 2 succeeded, 0 failed");
            });
            assertThat(files.begin("b\tc.csv", "sha-3", "b.y").alreadyDone()).as("changed content: a new file").isFalse();
        }
    }
}
