package org.senderroute.kaleyra;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.senderroute.domain.SenderRequest;

/**
 * The JSON body of one Create Sender ID request, handed to the HTTP client as an entity of known length. It is held
 * in chunks of 64 KB rather than one array: a body of 5000 senders is about 600 KB, and arrays that large are
 * costly for the garbage collector (each is a "humongous" object taking whole heap regions).
 */
public final class RequestBody extends AbstractHttpEntity {

    private static final int CHUNK = 64 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final List<byte[]> chunks;
    private final int lastLength;
    private final long length;

    private RequestBody(List<byte[]> chunks, int lastLength) {
        super(ContentType.APPLICATION_JSON, null, false);
        this.chunks = chunks;
        this.lastLength = lastLength;
        this.length = chunks.isEmpty() ? 0 : (long) (chunks.size() - 1) * CHUNK + lastLength;
    }

    /** The body {@code {"data":[...]}} of a request for these senders. */
    public static RequestBody of(List<SenderRequest> senders) {
        Writer out = new Writer();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (SenderRequest r : senders) {
                json.writeStartObject();
                json.writeStringField("sender", r.sender());
                json.writeStringField("description", r.description());
                json.writeStringField("iso_code", r.isoCode());
                if (r.entityId() != null) {
                    json.writeStringField("entity_id", r.entityId());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.body();
    }

    /** An output stream that collects a body in chunks; {@link Writer#body()} makes the entity. */
    private static final class Writer extends OutputStream {

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
