package org.senderroute.intake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads JSON Lines: one request object per line; blank lines are skipped, a line that is not JSON is one bad record. */
public final class JsonLinesRecordReader implements RecordReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BufferedReader lines;
    private String nextLine;
    private long lineNumber;
    private long record;

    public JsonLinesRecordReader(InputStream in) throws IOException {
        this.lines = new BufferedReader(Utf8Input.reader(in), 64 * 1024);
    }

    @Override
    public String format() {
        return "jsonl";
    }

    @Override
    public boolean hasNext() {
        try {
            while (nextLine == null) {
                String line = lines.readLine();
                if (line == null) {
                    return false;
                }
                lineNumber++;
                if (!line.isBlank()) {
                    nextLine = line;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UnreadableFileException("cannot read line " + (lineNumber + 1) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SenderRequest next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String line = nextLine;
        nextLine = null;
        record++;
        try {
            return JsonNodes.toRequest(record, MAPPER.readTree(line));
        } catch (JsonProcessingException e) {
            return SenderRequest.unreadable(record, "line " + lineNumber + " is not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
