package org.senderroute.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import org.senderroute.domain.FieldNames;
import org.senderroute.domain.SenderRequest;
import org.senderroute.support.FormulaGuard;

/**
 * Reads RFC 4180 CSV (LF or CRLF, quoted fields, UTF-8 with or without BOM) with a header row that names the
 * columns in any order and letter case. Columns it does not know (such as the error columns of a failure file
 * dropped again) are ignored. Rows are parsed one at a time with Jackson's streaming CSV parser. In this module's own
 * outputs dropped again (a header with error_code or kaleyra_id), the quote that guarded a formula is taken off
 * ({@link FormulaGuard}); any other file is read as written.
 */
public final class CsvRecordReader implements RecordReader {

    private static final ObjectReader ROWS = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build()
            .readerFor(String[].class);

    /** Columns only this module's outputs have. */
    private static final String OUTPUT_ERROR_CODE = "error_code";
    private static final String OUTPUT_KALEYRA_ID = "kaleyra_id";

    private final MappingIterator<String[]> rows;
    private final Reader source;
    private int senderColumn = -1;
    private int descriptionColumn = -1;
    private int isoColumn = -1;
    private int entityColumn = -1;
    private int headerWidth;
    private boolean guarded;
    private long record;
    private boolean headerRead;

    public CsvRecordReader(InputStream in) throws IOException {
        this.source = Utf8Input.reader(in);
        this.rows = ROWS.readValues(source);
    }

    @Override
    public String format() {
        return "csv";
    }

    @Override
    public boolean hasNext() {
        if (!headerRead) {
            readHeader();
        }
        try {
            return rows.hasNextValue();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public SenderRequest next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String[] row;
        try {
            row = rows.nextValue();
        } catch (IOException e) {
            throw unreadable(e);
        }
        record++;
        if (hasExtraValues(row)) {
            return SenderRequest.unreadable(record, "line " + line() + " has " + row.length + " fields but the header names "
                    + headerWidth + ": quote a value that contains a comma");
        }
        return SenderRequest.of(record, at(row, senderColumn), at(row, descriptionColumn), at(row, isoColumn),
                at(row, entityColumn));
    }

    private void readHeader() {
        headerRead = true;
        String[] header;
        try {
            if (!rows.hasNextValue()) {
                throw new UnreadableFileException("the file is empty: a CSV file starts with a header naming "
                        + "sender, description, iso_code, entity_id");
            }
            header = rows.nextValue();
        } catch (IOException e) {
            throw unreadable(e);
        }
        headerWidth = header.length;
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            switch (FieldNames.normalise(header[i])) {
                case FieldNames.SENDER -> senderColumn = i;
                case FieldNames.DESCRIPTION -> descriptionColumn = i;
                case FieldNames.ISO_CODE -> isoColumn = i;
                case FieldNames.ENTITY_ID -> entityColumn = i;
                case OUTPUT_ERROR_CODE, OUTPUT_KALEYRA_ID -> guarded = true;
                default -> unknown.add(header[i]);
            }
        }
        List<String> missing = new ArrayList<>();
        if (senderColumn < 0) {
            missing.add(FieldNames.SENDER);
        }
        if (descriptionColumn < 0) {
            missing.add(FieldNames.DESCRIPTION);
        }
        if (isoColumn < 0) {
            missing.add(FieldNames.ISO_CODE);
        }
        if (!missing.isEmpty()) {
            // the first line is not quoted: it may be anything but a header
            throw new UnreadableFileException("the CSV header lacks the column(s) " + String.join(", ", missing)
                    + " (the first line, of " + header.length + " field(s), must name the columns)");
        }
    }

    private boolean hasExtraValues(String[] row) {
        for (int i = headerWidth; i < row.length; i++) {
            if (row[i] != null && !row[i].isBlank()) {
                return true;
            }
        }
        return false;
    }

    private String at(String[] row, int column) {
        if (column < 0 || column >= row.length) {
            return null;
        }
        String value = row[column];
        return FieldNames.clean(guarded ? FormulaGuard.unguard(value) : value);
    }

    private long line() {
        var location = rows.getCurrentLocation();
        return location == null ? -1 : location.getLineNr();
    }

    private UnreadableFileException unreadable(IOException e) {
        if (e instanceof NotUtf8Exception) {
            return new UnreadableFileException("the file is " + e.getMessage() + " (after record " + record + ")", e);
        }
        String reason = e instanceof JsonProcessingException jpe ? SyntaxProblems.kind(jpe) : e.getMessage();
        return new UnreadableFileException("CSV syntax error near line " + line() + " after record " + record + ": "
                + reason, e);
    }

    @Override
    public void close() throws IOException {
        rows.close();
        source.close();
    }
}
