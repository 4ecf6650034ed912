package org.senderroute.deliver;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/**
 * One output CSV being written in the staging directory, through one buffered writer for the whole file
 * (never one open/append per row). Created on its first row, so an outcome with no rows leaves no file.
 */
final class OutcomeFile {

    private static final CsvMapper CSV = new CsvMapper();

    private final Path path;
    private final String[] columns;
    private BufferedWriter out;
    private SequenceWriter rows;
    private long count;

    OutcomeFile(Path path, String... columns) {
        this.path = path;
        this.columns = columns;
    }

    void write(String... values) {
        try {
            if (rows == null) {
                Files.createDirectories(path.getParent());
                out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
                CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
                for (String column : columns) {
                    schema.addColumn(column);
                }
                // rows reach the disk through the buffered writer, not one system call each
                rows = CSV.writerFor(String[].class).with(schema.build())
                        .without(com.fasterxml.jackson.databind.SerializationFeature.FLUSH_AFTER_WRITE_VALUE).writeValues(out);
            }
            String[] row = new String[values.length];
            for (int i = 0; i < values.length; i++) {
                row[i] = values[i] == null ? "" : values[i];
            }
            rows.write(row);
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
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
            throw new UncheckedIOException("cannot finish " + path + ": " + e.getMessage(), e);
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
