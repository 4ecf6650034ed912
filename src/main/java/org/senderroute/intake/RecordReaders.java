package org.senderroute.intake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Chooses the reader for an input file by its extension ({@code .csv}/{@code .txt}, {@code .json},
 * {@code .jsonl}/{@code .ndjson}); without one of those, a file starting with '[' or '{' is read as JSON, any other as CSV.
 */
public final class RecordReaders {

    private RecordReaders() {
    }

    /**
     * The reader of a local file. A JSON file is read once from end to end first ({@link JsonFileCheck}): one that is
     * not well-formed is refused whole ({@link UnreadableFileException}) before any of its records is read.
     *
     * @param tap wraps the stream the records are read from (to count the bytes read)
     */
    public static RecordReader open(String fileName, Path file, UnaryOperator<InputStream> tap) throws IOException {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(".json");
        if (!json && !name.endsWith(".jsonl") && !name.endsWith(".ndjson") && !name.endsWith(".csv")
                && !name.endsWith(".txt")) {
            try (BufferedInputStream head = new BufferedInputStream(Files.newInputStream(file), 4096)) {
                int first = firstSignificantByte(head);
                json = first == '[' || first == '{';
            }
        }
        if (json) {
            try (InputStream whole = Files.newInputStream(file)) {
                JsonFileCheck.check(whole);
            }
            return new JsonRecordReader(tap.apply(Files.newInputStream(file)));
        }
        return open(fileName, tap.apply(Files.newInputStream(file)));
    }

    /** The reader of a stream, read once: a JSON stream is not checked whole before its records are read. */
    public static RecordReader open(String fileName, InputStream in) throws IOException {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return new JsonLinesRecordReader(in);
        }
        if (name.endsWith(".json")) {
            return new JsonRecordReader(in);
        }
        if (name.endsWith(".csv") || name.endsWith(".txt")) {
            return new CsvRecordReader(in);
        }
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        return switch (firstSignificantByte(buffered)) {
            case '[', '{' -> new JsonRecordReader(buffered);
            default -> new CsvRecordReader(buffered);
        };
    }

    private static int firstSignificantByte(BufferedInputStream in) throws IOException {
        in.mark(4096);
        try {
            for (int i = 0; i < 4096; i++) {
                int b = in.read();
                if (b < 0 || !(Character.isWhitespace(b) || b == 0xEF || b == 0xBB || b == 0xBF)) {
                    return b;
                }
            }
            return -1;
        } finally {
            in.reset();
        }
    }
}
