package org.senderroute.intake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Opens an input stream as UTF-8 text, skipping a byte order mark and refusing bytes that are not UTF-8 with their
 * position ({@link NotUtf8Exception}).
 */
final class Utf8Input {

    private Utf8Input() {
    }

    static Reader reader(InputStream in) throws IOException {
        BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 64 * 1024);
        buffered.mark(3);
        byte[] head = buffered.readNBytes(3);
        boolean bom = head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF;
        if (!bom) {
            buffered.reset();
        }
        return new Utf8Reader(buffered, bom ? 3 : 0);
    }
}
