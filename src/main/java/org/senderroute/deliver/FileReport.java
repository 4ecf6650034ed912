package org.senderroute.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import org.apache.camel.ExchangeProperty;
import org.senderroute.domain.FileRun;

/**
 * The report of one file a person reads in a browser, {@code BASE.<time>.report.html} beside its summary: the counts,
 * a chart of the failures by code, what each code means and how to fix it, and the first failing rows. One
 * self-contained page (styles inline; no script, font or image, and a Content-Security-Policy that allows none), so it
 * can be opened from a mail or a share. Written with a Mustache template ({@code report/file-report.mustache}) whose
 * every value is HTML-escaped: the rows are partner input.
 */
public final class FileReport {

    /** The failing rows shown at most; the failure file holds them all. */
    static final int FIRST_ROWS = 20;

    private static final String TEMPLATE = "report/file-report.mustache";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = new CsvMapper();

    private final Mustache template;
    private final Properties codes = new Properties();

    public FileReport() {
        template = new DefaultMustacheFactory().compile(resource(TEMPLATE), TEMPLATE);
        try (Reader meanings = resource("report/failure-codes.properties")) {
            codes.load(meanings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reader resource(String name) {
        InputStream in = FileReport.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is missing from the class path");
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /** The report of the file, once every batch is settled and its staged outputs are closed. */
    public String html(@ExchangeProperty(FileRun.PROPERTY) FileRun run) throws IOException {
        JsonNode summary = JSON.readTree(run.summaryJson());
        Map<String, Object> page = new HashMap<>();
        page.put("file", summary.path("file").asText());
        page.put("format", summary.path("format").asText("unknown"));
        page.put("records", summary.path("records").asLong());
        page.put("succeeded", summary.path("succeeded").asLong());
        long failed = summary.path("failed").asLong();
        page.put("failed", failed);
        page.put("batches", summary.path("batches").asLong());
        page.put("calls", summary.path("calls").asLong());
        page.put("duration", String.format(Locale.ROOT, "%.1f s", summary.path("duration_ms").asLong() / 1000.0));
        page.put("sha256", summary.path("sha256").asText("not known"));
        page.put("unreadable", summary.path("unreadable").isTextual() ? summary.path("unreadable").asText() : null);
        page.put("successOutput", run.hasSuccessFile() ? run.successName() : null);
        page.put("failureOutput", run.hasFailureFile() ? run.failureName() : null);
        page.put("unreadableFix", meaning("FILE_UNREADABLE", "fix"));
        // a file refused whole has its one FILE_UNREADABLE row, which the counts leave out
        page.put("hasFailures", failed > 0 || run.hasFailureFile());
        page.put("hasCodes", failed > 0);
        page.put("codes", codes(run.failedByCode()));
        List<Map<String, String>> rows = run.hasFailureFile() ? firstRows(run) : List.of();
        page.put("rows", rows);
        page.put("shown", rows.size());
        page.put("moreRows", failed > rows.size());
        StringWriter html = new StringWriter();
        template.execute(html, page).flush();
        return html.toString();
    }

    /** The codes, most rows first, each with its bar's length (in percent of the largest) and its meaning. */
    private List<Map<String, Object>> codes(Map<String, Long> byCode) {
        long most = byCode.values().stream().mapToLong(Long::longValue).max().orElse(1);
        List<Map<String, Object>> list = new ArrayList<>();
        byCode.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> {
                    Map<String, Object> code = new LinkedHashMap<>();
                    code.put("code", e.getKey());
                    code.put("count", e.getValue());
                    code.put("percent", Math.max(1, Math.round(100.0 * e.getValue() / most)));
                    code.put("meaning", meaning(e.getKey(), "meaning"));
                    code.put("fix", meaning(e.getKey(), "fix"));
                    list.add(code);
                });
        return list;
    }

    /** What the code means ({@code what} = meaning) or how to fix it ({@code fix}). */
    String meaning(String code, String what) {
        String text = codes.getProperty(code + "." + what);
        return text != null ? text : codes.getProperty("other." + what);
    }

    /** The first rows of the staged failure file, as written (formula cells guarded). */
    private static List<Map<String, String>> firstRows(FileRun run) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(run.failureFile(), StandardCharsets.UTF_8);
                MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class)
                        .with(CsvSchema.emptySchema().withHeader()).readValues(in)) {
            while (it.hasNext() && rows.size() < FIRST_ROWS) {
                rows.add(it.next());
            }
        }
        return rows;
    }
}
