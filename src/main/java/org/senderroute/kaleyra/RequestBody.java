package org.senderroute.kaleyra;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * The JSON body of one Create Sender ID request, handed to the HTTP client as an entity of known length. It is held
 * in chunks of 64 KB rather than one array: a body of 5000 senders is about 600 KB, and arrays that large are
 * costly for the garbage collector (each is a "humongous" object taking whole heap regions).
 */
public final class RequestBody extends AbstractHttpEntity {

    private static final int CHUNK = 64 * 1024;

    private final List<byte[]> chunks;
    private final int lastLength;
    private final long length;

    private RequestBody(List<byte[]> chunks, int lastLength) {
        super(ContentType.APPLICATION_JSON, null, false);
        this.chunks = chunks;
        this.lastLength = lastLength;
        this.length = chunks.isEmpty() ? 0 : (long) (chunks.size() - 1) * CHUNK + lastLength;
    }

    /** An output stream that collects a body in chunks; {@link Writer#body()} makes the entity. */
    static final class Writer extends OutputStream {

        private final List<byte[]> chunks = new ArrayList<>();
        private byte[] current;
        private int used;

        @Override
        public void write(int b) {
            room();
            current[used++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int count) {
            while (count > 0) {
                room();
                int n = Math.min(count, CHUNK - used);
                System.arraycopy(bytes, offset, current, used, n);
                used += n;
                offset += n;
                count -= n;
            }
        }

        private void room() {
            if (current == null || used == CHUNK) {
                current = new byte[CHUNK];
                chunks.add(current);
                used = 0;
            }
        }

        RequestBody body() {
            return new RequestBody(chunks, used);
        }
    }

    @Override
    public InputStream getContent() {
        List<InputStream> parts = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            parts.add(new ByteArrayInputStream(chunks.get(i), 0, i == chunks.size() - 1 ? lastLength : CHUNK));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        for (int i = 0; i < chunks.size(); i++) {
            out.write(chunks.get(i), 0, i == chunks.size() - 1 ? lastLength : CHUNK);
        }
        out.flush();
    }

    @Override
    public long getContentLength() {
        return length;
    }

    @Override
    public boolean isRepeatable() {
        return true;
    }

    @Override
    public boolean isStreaming() {
        return false;
    }

    @Override
    public void close() {
        // nothing held but memory
    }
}
