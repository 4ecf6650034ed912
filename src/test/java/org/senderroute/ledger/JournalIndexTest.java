package org.senderroute.ledger;

import java.util.HashMap;
import java.util.Map;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The index of the journal: latest offset per sender, right even when two senders share a fingerprint. */
class JournalIndexTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLatestOffsetOfEverySenderThroughGrowth() {
        JournalIndex index = new JournalIndex(dir);
        Map<Long, String> whoIsAt = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            String sender = "S" + i;
            put(index, whoIsAt, i * 31L, 10L * i, sender);
        }
        for (int i = 0; i < 100_000; i += 7) {
            put(index, whoIsAt, i * 31L, 2_000_000L + i, "S" + i);
        }
        assertThat(index.size()).isEqualTo(100_000);
        for (int i = 0; i < 100_000; i++) {
            String sender = "S" + i;
            long expected = i % 7 == 0 ? 2_000_000L + i : 10L * i;
            assertThat(index.find(i * 31L, at -> sender.equals(whoIsAt.get(at)))).isEqualTo(expected);
        }
        assertThat(index.find(-5L, at -> true)).isEqualTo(-1);
        index.close();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void twoSendersWithOneFingerprintAreToldApartByTheirLines() {
        JournalIndex index = new JournalIndex(dir);
        Map<Long, String> whoIsAt = new HashMap<>();
        put(index, whoIsAt, 42L, 0, "ALPHA1");
        put(index, whoIsAt, 42L, 100, "BRAVO2");
        put(index, whoIsAt, 42L, 200, "ALPHA1");

        assertThat(index.size()).isEqualTo(2);
        assertThat(index.find(42L, at -> "ALPHA1".equals(whoIsAt.get(at)))).isEqualTo(200);
        assertThat(index.find(42L, at -> "BRAVO2".equals(whoIsAt.get(at)))).isEqualTo(100);
        assertThat(index.find(42L, at -> "CHARLY".equals(whoIsAt.get(at)))).isEqualTo(-1);
    }

    @Test
    void anOffsetPastWhatASlotHoldsIsRefusedNotWrapped() {
        JournalIndex index = new JournalIndex(dir);
        index.put(7L, JournalIndex.MAX_OFFSET, at -> false);
        assertThat(index.find(7L, at -> true)).isEqualTo(JournalIndex.MAX_OFFSET);
        assertThatThrownBy(() -> index.put(8L, JournalIndex.MAX_OFFSET + 1, at -> false))
                .isInstanceOf(LedgerException.class).hasMessageContaining("larger than its index");
        assertThat(index.find(8L, at -> true)).isEqualTo(-1);
        index.close();
    }

    private static void put(JournalIndex index, Map<Long, String> whoIsAt, long fingerprint, long offset, String sender) {
        index.put(fingerprint, offset, at -> sender.equals(whoIsAt.get(at)));
        whoIsAt.put(offset, sender);
    }
}
