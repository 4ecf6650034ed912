package org.senderroute.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** UTF-8 decoding of inputs: the text as it is, or the position of the first byte that is not UTF-8. */
class Utf8InputTest {

    /** 200 KB of one-, two-, three- and four-byte characters: sequences straddle the decoder's 64 KB buffers. */
    private static final String TEXT = "aé€😀".repeat(20_000);

    @Test
    void decodesAcrossBuffersAndSkipsAByteOrderMark() throws IOException {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        assertThat(read(bytes)).isEqualTo(TEXT);
        byte[] withBom = new byte[bytes.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(bytes, 0, withBom, 3, bytes.length);
        assertThat(read(withBom)).isEqualTo(TEXT);
    }

    @Test
    void namesTheFirstByteThatIsNotUtf8CountedFromOne() {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        // every 10 bytes an 'a' starts "aé€😀": around and across the 64 KB boundaries
        for (int at : new int[] {0, 65_530, 65_540, 131_070, bytes.length - 10}) {
            byte[] bad = Arrays.copyOf(bytes, bytes.length);
            bad[at] = (byte) 0xFF;
            assertThatThrownBy(() -> read(bad)).isInstanceOf(NotUtf8Exception.class)
                    .hasMessage("not UTF-8 at byte " + (at + 1));
        }
        // a broken continuation byte: the sequence it belongs to is named, by its first byte (the 😀 at 65_536..65_539)
        byte[] bad = Arrays.copyOf(bytes, bytes.length);
        bad[65_538] = 'x';
        assertThatThrownBy(() -> read(bad)).hasMessage("not UTF-8 at byte " + (65_536 + 1));
    }

    @Test
    void aSequenceCutOffByTheEndOfTheFileIsNotUtf8() {
        byte[] cut = Arrays.copyOf("ab€".getBytes(StandardCharsets.UTF_8), 4);
        assertThatThrownBy(() -> read(cut)).isInstanceOf(NotUtf8Exception.class).hasMessage("not UTF-8 at byte 3");
        byte[] bomThenLatin1 = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', (byte) 0xE9, 'b'};
        assertThatThrownBy(() -> read(bomThenLatin1)).hasMessage("not UTF-8 at byte 5");
    }

    private static String read(byte[] bytes) throws IOException {
        try (Reader reader = Utf8Input.reader(new ByteArrayInputStream(bytes))) {
            StringWriter out = new StringWriter();
            reader.transferTo(out);
            return out.toString();
        }
    }
}
