package org.senderroute.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The off-heap table: zeros at first, what was set read back, its file gone when closed or left by a crash. */
class LongSlotsTest {

    @TempDir
    Path dir;

    @Test
    void keepsWhatIsSetAndDeletesItsFileWhenClosed() throws Exception {
        LongSlots slots = LongSlots.create(dir, "t", 4096);
        assertThat(slots.get(4095)).isZero();
        slots.set(7, -1L);
        slots.set(4095, Long.MAX_VALUE);
        assertThat(slots.get(7)).isEqualTo(-1L);
        assertThat(slots.get(4095)).isEqualTo(Long.MAX_VALUE);
        try (var files = Files.list(dir)) {
            assertThat(files).singleElement().satisfies(f -> assertThat(f.toString()).endsWith(".slots"));
        }
        slots.close();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void leftoversOfAKilledProcessAreRemovedAndNothingElse() throws Exception {
        Files.writeString(dir.resolve("seen-senders-123.slots"), "left by a crash");
        Files.writeString(dir.resolve("ledger.journal"), "# kept\n");
        LongSlots.removeLeftovers(dir);
        LongSlots.removeLeftovers(dir.resolve("missing"));
        try (var files = Files.list(dir)) {
            assertThat(files).map(p -> p.getFileName().toString()).containsExactly("ledger.journal");
        }
    }

    @Test
    void refusesASizeOneMappingCannotHold() {
        assertThatThrownBy(() -> LongSlots.create(dir, "t", LongSlots.MAX_LENGTH + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit one mapping");
    }
}
