package org.senderroute.intake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import org.senderroute.domain.SenderRequest;

/**
 * Reads JSON Lines: one request object per line; blank lines are skipped, a line that is not one JSON value (or has
 * more after it) is one bad record, described by position and kind, never quoted.
 */
public final class JsonLinesRecordReader implements RecordReader {

    private static final JsonFactory FACTORY = new JsonFactory();

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
        } catch (NotUtf8Exception e) {
            throw new UnreadableFileException("the file is " + e.getMessage(), e);
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
        try (JsonParser parser = FACTORY.createParser(line)) {
            SenderRequest request = JsonRecords.read(record, parser, parser.nextToken());
            return nothingAfter(parser) ? request : SenderRequest.unreadable(record, "line " + lineNumber
                    + " has more after its JSON value (from column " + parser.currentTokenLocation().getColumnNr() + ")");
        } catch (JsonProcessingException e) {
            return SenderRequest.unreadable(record, "line " + lineNumber + " is not a JSON object: " + SyntaxProblems.kind(e)
                    + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean nothingAfter(JsonParser parser) throws IOException {
        try {
            return parser.nextToken() == null;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
