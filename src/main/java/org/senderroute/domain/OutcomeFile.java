package org.senderroute.domain;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.senderroute.support.FormulaGuard;
import org.senderroute.support.LocalFaultException;

/**
 * One output CSV being written in the staging directory, through one buffered writer for the whole file
 * (never one open/append per row). Created on its first row, so an outcome with no rows leaves no file.
 * Any text can be written: what UTF-8 cannot encode (an unpaired surrogate) becomes U+FFFD. With
 * {@code guardFormulas}, cells a spreadsheet would run as formulas are guarded ({@link FormulaGuard}).
 * A failure to write is a {@link LocalFaultException} naming the file and what the system said.
 */
final class OutcomeFile {

    private static final CsvMapper CSV = new CsvMapper();
    private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

    private final Path path;
    private final String[] columns;
    private final boolean guardFormulas;
    private BufferedWriter out;
    private SequenceWriter rows;
    private long count;

    OutcomeFile(Path path, boolean guardFormulas, String... columns) {
        this.path = path;
        this.guardFormulas = guardFormulas;
        this.columns = columns;
    }

    void write(String... values) {
        try {
            if (rows == null) {
                Files.createDirectories(path.getParent());
                CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith(REPLACEMENT);
                out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path), utf8));
                CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
                for (String column : columns) {
                    schema.addColumn(column);
                }
                // rows reach the disk through the buffered writer, not one system call each
                rows = CSV.writerFor(String[].class).with(schema.build())
                        .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE).writeValues(out);
            }
            String[] row = new String[values.length];
            for (int i = 0; i < values.length; i++) {
                String value = values[i];
                row[i] = value == null ? "" : guardFormulas ? FormulaGuard.guard(value) : value;
            }
            rows.write(row);
            count++;
        } catch (IOException e) {
            throw new LocalFaultException(path, e);
        }
    }

    long count() {
        return count;
    }

    Path path() {
        return path;
    }

    void close() {
        try {
            if (rows != null) {
                rows.close();
            }
        } catch (IOException e) {
            throw new LocalFaultException(path, e);
        }
    }

    /** Moves the closed file, when it has rows, to the target (replacing it). */
    void moveTo(Path target) throws IOException {
        if (count > 0 && Files.exists(path)) {
            Files.createDirectories(target.getParent());
            Files.move(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove staging file " + path + ": " + e.getMessage(), e);
        }
    }
}
