package org.senderroute.validate;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.support.LocalFaultException;
import org.senderroute.testsupport.SmallDisk;

import static org.assertj.core.api.Assertions.assertThat;

/** The senders seen in one file, off the heap: every duplicate found, through the table's growth, and nothing left. */
class SeenSendersTest {

    @TempDir
    Path dir;

    @Test
    void findsEveryRepeatedPairThroughGrowthAndLeavesNoFileBehind() {
        SeenSenders seen = new SeenSenders(dir.resolve("scratch"));
        for (int i = 0; i < 200_000; i++) {
            assertThat(seen.add("S" + i, i % 2 == 0 ? "in" : "GB")).isTrue();
        }
        for (int i = 0; i < 200_000; i += 997) {
            assertThat(seen.add("s" + i, i % 2 == 0 ? "IN" : "gb")).as("pair %d again, other case", i).isFalse();
            assertThat(seen.add("S" + i, i % 2 == 0 ? "gb" : "in")).as("same sender, other country").isTrue();
        }
        seen.close();
        assertThat(dir.resolve("scratch")).isEmptyDirectory();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> seen.add("S1", "in"))
                .as("never a read of the unmapped table").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTableThatCannotGrowOnAFullDiskSaysSoInsteadOfFaultingLater() {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("small"), 1)) {
            // room for the first table (128 KB), not for the one it grows into
            disk.leaveFree(200 * 1024);
            SeenSenders seen = new SeenSenders(disk.path().resolve("scratch"));
            for (int i = 0; i < 8192; i++) {
                assertThat(seen.add("S" + i, "in")).isTrue();
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> seen.add("S8192", "in"))
                    .isInstanceOf(LocalFaultException.class)
                    .hasMessageContainingAll("cannot write scratch file " + disk.path().resolve("scratch"), "No space left on device");
            assertThat(disk.path().resolve("scratch").toFile().list()).as("no half-made table left").hasSize(1);
            seen.close();
            assertThat(disk.path().resolve("scratch")).isEmptyDirectory();
        }
    }
}
