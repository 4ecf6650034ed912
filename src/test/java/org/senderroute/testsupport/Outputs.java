package org.senderroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/** Reads the CSV outputs of a run back as rows of column name to value. */
public final class Outputs {

    private static final CsvMapper CSV = new CsvMapper();

    private Outputs() {
    }

    /** Every row of every CSV in the directory whose name starts with {@code base + "."}. */
    public static List<Map<String, String>> rows(Path dir, String base) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Path file : files(dir, base)) {
            try (MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
                rows.addAll(it.readAll());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }

    public static List<Path> files(Path dir, String base) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(base + "."))
                    .filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
