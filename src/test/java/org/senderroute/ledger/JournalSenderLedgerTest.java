package org.senderroute.ledger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.domain.SenderRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal on a real file: what it answers, what survives a restart and an interrupted write. */
class JournalSenderLedgerTest {

    static final String SID = "HXIN1234";

    @TempDir
    Path dir;

    private static SenderRequest sender(String name, String iso) {
        return SenderRequest.of(1, name, "d", iso, "123456789012");
    }

    @Test
    void outcomesSurviveARestartAndTheLatestOneCounts() throws Exception {
        Path file = dir.resolve("ledger/senders.journal");
        SenderRequest alpha = sender("alphaa", "IN");
        SenderRequest bravo = sender("BRAVOO", "in");
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, true)) {
            long call = ledger.callStarted(SID, "first.csv", List.of(alpha, bravo));
            ledger.rejected(SID, "first.csv", Map.of(alpha, "bad\ttext\nover two lines \\ with a backslash, é and अ"));
            ledger.created(SID, "first.csv", Map.of(bravo, "42"), "200 OK");
            ledger.callsSettled(List.of(call));
            long again = ledger.callStarted(SID, "second\tfile.csv", List.of(alpha));
            ledger.created(SID, "second\tfile.csv", Map.of(alpha, "43"), "200 OK");
            ledger.callsSettled(List.of(again));
            assertThat(ledger.pendingCalls()).isZero();
        }
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, true)) {
            Map<String, LedgerEntry> found = ledger.lookup(SID, List.of(alpha, bravo, sender("NOTSEEN", "in")));
            assertThat(found).containsOnlyKeys("ALPHAA|in", "BRAVOO|in");
            assertThat(found.get("ALPHAA|in")).satisfies(e -> {
                assertThat(e.created()).isTrue();
                assertThat(e.kaleyraId()).isEqualTo("43");
                assertThat(e.sourceFile()).isEqualTo("second\tfile.csv");
            });
            assertThat(found.get("BRAVOO|in").kaleyraId()).isEqualTo("42");
            assertThat(ledger.lookup("OTHERSID", List.of(alpha))).as("another account's senders are its own").isEmpty();
            assertThat(ledger.senders()).isEqualTo(2);
            assertThat(ledger.pendingCalls()).isZero();
        }
    }

    /** Two files in flight carrying the same sender: one batch owns it at a time, in this one instance. */
    @Test
    void aSenderIsOwnedByOneBatchAtATimeAndTakenOverWhenItsOutcomeStayedUnknown() throws Exception {
        SenderRequest alpha = sender("ALPHAA", "in");
        SenderRequest bravo = sender("BRAVOO", "in");
        try (JournalSenderLedger ledger = JournalSenderLedger.open(dir.resolve("senders.journal"), false)) {
            SenderOwnership first = ledger.own(SID, List.of(alpha));
            assertThat(first.id()).isNotZero();
            assertThat(first.busy()).isEmpty();

            SenderOwnership second = ledger.own(SID, List.of(alpha, bravo));
            assertThat(second.busy()).containsOnlyKeys("ALPHAA|in");
            assertThat(second.takenOver()).isEmpty();
            assertThat(ledger.own("OTHERSID", List.of(alpha)).busy()).as("another account's senders are its own").isEmpty();

            // the first batch ends with its outcome unknown: the next owner takes the sender over, once
            ledger.disown(first.id(), false);
            SenderOwnership third = ledger.own(SID, List.of(alpha));
            assertThat(third.busy()).isEmpty();
            assertThat(third.takenOver()).containsOnlyKeys("ALPHAA|in");
            ledger.disown(third.id(), true);
            assertThat(ledger.own(SID, List.of(alpha)).takenOver()).isEmpty();
            // bravo stays with the second batch until it is over
            assertThat(ledger.own(SID, List.of(bravo)).busy()).containsOnlyKeys("BRAVOO|in");
            ledger.disown(second.id(), true);
        }
    }

    @Test
    void rejectedReasonsKeepTheirText() throws Exception {
        SenderRequest alpha = sender("ALPHAA", "in");
        try (JournalSenderLedger ledger = JournalSenderLedger.open(dir.resolve("j"), false)) {
            ledger.rejected(SID, "f.csv", Map.of(alpha, "bad\ttext\nover two lines \\ with a backslash, é and अ"));
        }
        try (JournalSenderLedger ledger = JournalSenderLedger.open(dir.resolve("j"), false)) {
            assertThat(ledger.all(SID).get("ALPHAA|in")).satisfies(e -> {
                assertThat(e.state()).isEqualTo(LedgerEntry.REJECTED);
                assertThat(e.reason()).isEqualTo("bad\ttext\nover two lines \\ with a backslash, é and अ");
            });
        }
    }

    @Test
    void aCallLeftOpenByACrashMakesItsSendersPendingUntilTheyAreSettled() throws Exception {
        Path file = dir.resolve("senders.journal");
        SenderRequest alpha = sender("ALPHAA", "in");
        SenderRequest bravo = sender("BRAVOO", "in");
        JournalSenderLedger crashed = JournalSenderLedger.open(file, true);
        crashed.callStarted(SID, "big.csv", List.of(alpha, bravo));
        // no reply: the process died here; closing writes nothing, it only lets the journal go as the death of the
        // process does (one journal, one instance: a second open while it is held is refused)
        crashed.close();

        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, true)) {
            assertPendingUntilSettled(ledger, alpha, bravo);
        }
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, true)) {
            assertThat(ledger.pendingCalls()).as("the old call is settled once all its senders are known").isZero();
        }
    }

    /**
     * The ledger opened again after a crash in a call of these two senders from big.csv: both are pending, until a
     * call of their own settles them as created.
     */
    static void assertPendingUntilSettled(SenderLedger ledger, SenderRequest alpha, SenderRequest bravo) {
        assertThat(ledger.pendingCalls()).isEqualTo(1);
        Map<String, LedgerEntry> found = ledger.lookup(SID, List.of(alpha, bravo));
        assertThat(found.values()).hasSize(2).allMatch(LedgerEntry::pending);
        assertThat(found.get(SenderLedger.key(alpha)).sourceFile()).isEqualTo("big.csv");

        long call = ledger.callStarted(SID, "big.csv", List.of(alpha, bravo));
        ledger.created(SID, "big.csv", Map.of(alpha, "", bravo, ""), "created by an earlier call whose reply was lost");
        ledger.callsSettled(List.of(call));
        assertThat(ledger.lookup(SID, List.of(alpha, bravo)).values()).allMatch(LedgerEntry::created);
    }

    @Test
    void anIncompleteLastLineIsCutOffAndTheJournalGoesOn() throws Exception {
        Path file = dir.resolve("senders.journal");
        SenderRequest alpha = sender("ALPHAA", "in");
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            ledger.created(SID, "a.csv", Map.of(alpha, "7"), "200 OK");
        }
        long complete = Files.size(file);
        Files.writeString(file, "C\tHXIN1234\tBRAVOO|in\t17", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        SenderRequest charly = sender("CHARLY", "in");
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(Files.size(file)).isEqualTo(complete);
            ledger.created(SID, "b.csv", Map.of(charly, "8"), "200 OK");
        }
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(ledger.all(SID)).containsOnlyKeys("ALPHAA|in", "CHARLY|in");
            assertThat(ledger.lookup(SID, List.of(charly)).get("CHARLY|in").kaleyraId()).isEqualTo("8");
        }
    }

    @Test
    void aDamagedLineIsSkippedAndTheRestIsRead() throws Exception {
        Path file = dir.resolve("senders.journal");
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            ledger.created(SID, "a.csv", Map.of(sender("ALPHAA", "in"), "7"), "200 OK");
        }
        Files.writeString(file, "\u0000\u0000garbage\n", StandardOpenOption.APPEND);
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            ledger.created(SID, "b.csv", Map.of(sender("BRAVOO", "in"), "8"), "200 OK");
        }
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(ledger.all(SID)).containsOnlyKeys("ALPHAA|in", "BRAVOO|in");
        }
    }

    @Test
    void aTemporaryJournalIsGoneWhenClosed() throws Exception {
        LedgerJournal journal = LedgerJournal.temporary();
        Path file = journal.file();
        try (JournalSenderLedger ledger = new JournalSenderLedger(journal, dir)) {
            journal.replay(ledger);
            ledger.created(SID, "a.csv", Map.of(sender("ALPHAA", "in"), "7"), "200 OK");
            assertThat(ledger.lookup(SID, List.of(sender("alphaa", "IN")))).containsKey("ALPHAA|in");
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void aJournalHeldIsRefusedToASecondOpenUntilClosed() throws Exception {
        Path file = dir.resolve("held.journal");
        try (JournalSenderLedger held = JournalSenderLedger.open(file, false)) {
            assertThatThrownBy(() -> LedgerJournal.open(file, false, "instance second"))
                    .isInstanceOfSatisfying(JournalInUseException.class, e -> assertThat(e.holder())
                            .startsWith("process " + ProcessHandle.current().pid() + ", since "));
            assertThat(held.senders()).isZero();
        }
        try (LedgerJournal again = LedgerJournal.open(file, false, "instance third")) {
            assertThat(Path.of(file + ".lock")).content().startsWith("instance third, since ");
        }
    }
}
