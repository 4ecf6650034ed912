package org.senderroute.ledger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.domain.SenderRequest;
import org.senderroute.testsupport.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A journal damaged on the disk: every line carries a checksum, a damaged line is skipped and named in one WARN, a
 * journal written before checksums existed is still read and appended to.
 */
class JournalDamageTest {

    private static final String SID = "HXIN1234";
    private static final String LINE_WITH_CHECKSUM = ".*\t[0-9a-f]{8}";

    @TempDir
    Path dir;

    private static SenderRequest sender(String name) {
        return SenderRequest.of(1, name, "d", "in", "123456789012");
    }

    private static String name(int i) {
        return "SENDER" + (char) ('A' + i);
    }

    /** Five calls of one sender each, all created and settled. */
    private Path journalOfFiveCalls() throws Exception {
        Path file = dir.resolve("ledger/ledger.journal");
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            for (int i = 0; i < 5; i++) {
                long call = ledger.callStarted(SID, "f.csv", List.of(sender(name(i))));
                ledger.created(SID, "f.csv", Map.of(sender(name(i)), "4" + i), "200 OK");
                ledger.callsSettled(List.of(call));
            }
        }
        return file;
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    }

    private static int countNewlines(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            n += b == '\n' ? 1 : 0;
        }
        return n;
    }

    private static List<String> damageWarnings(LogCapture log) {
        return log.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("damaged")).toList();
    }

    @Test
    void everyLineOfANewJournalEndsWithItsChecksum() throws Exception {
        List<String> lines = lines(journalOfFiveCalls());
        assertThat(lines.get(0)).startsWith("# kaleyra-sender-route ledger journal, version 2");
        assertThat(lines.subList(1, lines.size())).hasSize(15).allMatch(l -> l.matches(LINE_WITH_CHECKSUM));
    }

    @Test
    void randomBytesInsertedMidLineAreNamedInOneWarningAndTheOtherSendersStayKnown() throws Exception {
        Path file = journalOfFiveCalls();
        List<String> lines = lines(file);
        int created = lines.indexOf(lines.stream().filter(l -> l.startsWith("C\t" + SID + "\t" + name(2))).findFirst().orElseThrow());
        byte[] noise = new byte[200];
        new Random(10).nextBytes(noise);
        noise[50] = '\n';
        noise[120] = '\n';
        int newlines = countNewlines(noise);
        byte[] journal = Files.readAllBytes(file);
        int at = String.join("\n", lines.subList(0, created)).length() + 1 + 20;
        byte[] damaged = new byte[journal.length + noise.length];
        System.arraycopy(journal, 0, damaged, 0, at);
        System.arraycopy(noise, 0, damaged, at, noise.length);
        System.arraycopy(journal, at, damaged, at + noise.length, journal.length - at);
        Files.write(file, damaged);

        List<String> numbers = new ArrayList<>();
        for (int n = created + 1; n <= created + 1 + newlines; n++) {
            numbers.add(Integer.toString(n));
        }
        try (LogCapture log = LogCapture.start(); JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(damageWarnings(log)).singleElement().satisfies(w -> assertThat(w)
                    .contains("ledger journal " + file, (newlines + 1) + " damaged lines", "lines " + String.join(", ", numbers)));
            Map<String, LedgerEntry> found = ledger.lookup(SID, List.of(sender(name(0)), sender(name(1)), sender(name(2)),
                    sender(name(3)), sender(name(4))));
            assertThat(found).as("the sender of the damaged line is unknown again, the others are known")
                    .containsOnlyKeys(name(0) + "|in", name(1) + "|in", name(3) + "|in", name(4) + "|in");
            assertThat(found.get(name(3) + "|in").kaleyraId()).isEqualTo("43");
            assertThat(ledger.pendingCalls()).isZero();
            ledger.created(SID, "g.csv", Map.of(sender("LATERR"), "49"), "200 OK");
        }
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(ledger.all(SID)).containsKeys("LATERR|in", name(4) + "|in").doesNotContainKey(name(2) + "|in");
        }
    }

    @Test
    void aChangedCharacterFailsTheChecksum() throws Exception {
        Path file = journalOfFiveCalls();
        String text = Files.readString(file);
        Files.writeString(file, text.replace("\t41\t200 OK", "\t47\t200 OK"));
        try (LogCapture log = LogCapture.start(); JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(damageWarnings(log)).singleElement().satisfies(w -> assertThat(w).contains("1 damaged line", "line 6"));
            assertThat(ledger.lookup(SID, List.of(sender(name(1))))).as("never the changed id").isEmpty();
        }
    }

    @Test
    void aLineDamagedWhileRunningIsNotTakenAtItsWord() throws Exception {
        Path file = journalOfFiveCalls();
        try (JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(ledger.lookup(SID, List.of(sender(name(1))))).containsKey(name(1) + "|in");
            String text = Files.readString(file);
            Files.writeString(file, text.replace("\t41\t200 OK", "\t47\t200 OK"), StandardOpenOption.WRITE);
            assertThat(ledger.lookup(SID, List.of(sender(name(1))))).isEmpty();
        }
    }

    @Test
    void aDamagedNumberIsADamagedLineNotAFailedStart() throws Exception {
        Path file = dir.resolve("ledger.journal");
        Files.writeString(file, """
                # kaleyra-sender-route ledger journal, version 1
                P\tNaN\tHXIN1234\t1700000000000\tf.csv\tALPHAA|in
                C\tHXIN1234\tALPHAA|in\tNaN\tf.csv\t41\t200 OK
                C\tHXIN1234\tBRAVOO|in\t1700000000000\tf.csv\t42\t200 OK
                R\tHXIN1234\tCHARLY|in\t17e4\tf.csv\tbad
                S\t1
                """);
        try (LogCapture log = LogCapture.start(); JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(damageWarnings(log)).singleElement()
                    .satisfies(w -> assertThat(w).contains("ledger journal " + file, "3 damaged lines", "lines 2, 3, 5"));
            Map<String, LedgerEntry> found = ledger.lookup(SID, List.of(sender("ALPHAA"), sender("BRAVOO"), sender("CHARLY")));
            assertThat(found).containsOnlyKeys("BRAVOO|in");
            assertThat(ledger.all(SID)).containsOnlyKeys("BRAVOO|in");
        }
    }

    @Test
    void aVersionOneJournalIsReadAndAppendedTo() throws Exception {
        Path file = dir.resolve("ledger.journal");
        String old = """
                # kaleyra-sender-route ledger journal, version 1
                F\tfirst.csv\tabc123\tfirst.20260101-000000-000\t1700000000000
                P\t1\tHXIN1234\t1700000000000\tfirst.csv\tALPHAA|in\tBRAVOO|in
                C\tHXIN1234\tALPHAA|in\t1700000000001\tfirst.csv\t41\t200 OK
                R\tHXIN1234\tBRAVOO|in\t1700000000001\tfirst.csv\tbad\\ttext
                S\t1
                P\t2\tHXIN1234\t1700000000002\tfirst.csv\tCHARLY|in
                D\tfirst.csv\tabc123\t1700000000003\t2 records
                R\tHXIN1234\tECHOOO|in\t1700000000004\tsecond.csv\tbad
                C\tHXIN1234\tECHOOO|in\t1700000000005\tthird.csv\t45\t200 OK
                """;
        Files.writeString(file, old);
        try (LogCapture log = LogCapture.start()) {
            LedgerJournal journal = LedgerJournal.open(file, false);
            JournalSenderLedger senders = new JournalSenderLedger(journal, dir);
            JournalFileLedger files = new JournalFileLedger(journal);
            journal.replay(senders, files);
            try (senders) {
                assertThat(files.begin("first.csv", "abc123", "other").alreadyDone()).isTrue();
                Map<String, LedgerEntry> found = senders.lookup(SID, List.of(sender("ALPHAA"), sender("BRAVOO"), sender("CHARLY"),
                        sender("ECHOOO")));
                assertThat(found.get("ALPHAA|in").kaleyraId()).isEqualTo("41");
                assertThat(found.get("BRAVOO|in").reason()).isEqualTo("bad\ttext");
                assertThat(found.get("CHARLY|in").pending()).isTrue();
                assertThat(found.get("ECHOOO|in").kaleyraId()).as("the latest outcome counts").isEqualTo("45");
                assertThat(senders.pendingCalls()).isEqualTo(1);
                senders.created(SID, "second.csv", Map.of(sender("CHARLY"), "43"), "200 OK");
                senders.callsSettled(List.of(2L));
            }
            assertThat(damageWarnings(log)).isEmpty();
        }
        String now = Files.readString(file);
        assertThat(now).startsWith(old);
        assertThat(now.substring(old.length()).split("\n")).hasSize(2).allMatch(l -> l.matches(LINE_WITH_CHECKSUM));

        // a line without a checksum after those with one is not a version 1 line but a damaged one
        Files.writeString(file, "C\tHXIN1234\tDELTAA|in\t1700000000009\tx.csv\t44\t200 OK\n", StandardOpenOption.APPEND);
        try (LogCapture log = LogCapture.start(); JournalSenderLedger ledger = JournalSenderLedger.open(file, false)) {
            assertThat(damageWarnings(log)).singleElement().satisfies(w -> assertThat(w).contains("1 damaged line", "line 13"));
            assertThat(ledger.all(SID)).containsOnlyKeys("ALPHAA|in", "BRAVOO|in", "CHARLY|in", "ECHOOO|in");
            assertThat(ledger.lookup(SID, List.of(sender("ECHOOO"))).get("ECHOOO|in").kaleyraId()).isEqualTo("45");
            assertThat(ledger.lookup(SID, List.of(sender("CHARLY"))).get("CHARLY|in").kaleyraId()).isEqualTo("43");
            assertThat(ledger.pendingCalls()).isZero();
        }
    }

    @Test
    void aJournalOfANewerVersionIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("ledger.journal");
        Files.writeString(file, "# kaleyra-sender-route ledger journal, version 3\n");
        assertThatThrownBy(() -> JournalSenderLedger.open(file, false)).isInstanceOf(LedgerException.class)
                .hasMessageContaining("ledger journal " + file).hasMessageContaining("version 3");
    }

    @Test
    void aFileThatIsNoJournalIsRefusedAndLeftAsItIs() throws Exception {
        Path file = dir.resolve("senders.csv");
        Files.writeString(file, "sender,description,iso_code,entity_id\nALPHAA,d,in,123456789012\n");
        assertThatThrownBy(() -> JournalSenderLedger.open(file, false)).isInstanceOf(LedgerException.class)
                .hasMessageContaining("ledger journal " + file).hasMessageContaining("not a ledger journal");
        assertThat(file).hasContent("sender,description,iso_code,entity_id\nALPHAA,d,in,123456789012");
    }
}
