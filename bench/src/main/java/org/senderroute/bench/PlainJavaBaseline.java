package org.senderroute.bench;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

/**
 * The module's work done in plain Java, with no Camel, as the yardstick of the benchmark: stream-parse one CSV
 * file with Jackson's CSV parser, validate every record with the module's default rules, build
 * {@code {"data":[...]}} bodies of at most {@code --batch-size} valid records with Jackson's generator, POST them
 * with {@link HttpClient} to a Kaleyra (sandbox) URL, read each reply, and write a success and a failure CSV with
 * buffered writers (under a temporary name, renamed when complete).
 *
 * <pre>
 *   PlainJavaBaseline --input FILE --success-dir DIR --failure-dir DIR --url http://127.0.0.1:PORT
 *                     [--sid SANDBOXSID] [--api-key sandbox-api-key] [--sender-path /messages/sender]
 *                     [--batch-size 5000] [--concurrency 1]
 * </pre>
 *
 * With {@code --concurrency 1} (the default) calls are made one after the other on the reading thread; with N they
 * are made by N threads and reading waits while N calls are open, so memory stays bounded by N + 1 batches.
 * The last line printed is {@code BASELINE records=.. succeeded=.. failed=.. calls=.. callSeconds=.. seconds=..}
 * (callSeconds: time from sending a request to having its reply, summed over the calls).
 * It shares no code with the module.
 */
public final class PlainJavaBaseline {

    private static final String SENDER = "sender";
    private static final String DESCRIPTION = "description";
    private static final String ISO_CODE = "iso_code";
    private static final String ENTITY_ID = "entity_id";

    private static final String[] SUCCESS_HEADER = {"record", "sender", "description", "iso_code", "entity_id",
        "kaleyra_id", "status", "code", "message"};
    private static final String[] FAILURE_HEADER = {"record", "sender", "description", "iso_code", "entity_id",
        "error_code", "error_message"};
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One input record. */
    record Request(long record, String sender, String description, String iso, String entity) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        Path input = Path.of(required(opts, "input"));
        Path successDir = Path.of(required(opts, "success-dir"));
        Path failureDir = Path.of(required(opts, "failure-dir"));
        String url = required(opts, "url") + "/v1/" + opts.getOrDefault("sid", "SANDBOXSID")
                + opts.getOrDefault("sender-path", "/messages/sender");
        String apiKey = opts.getOrDefault("api-key", "sandbox-api-key");
        int batchSize = Integer.parseInt(opts.getOrDefault("batch-size", "5000"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "1"));
        if (batchSize < 1 || batchSize > 5000 || concurrency < 1) {
            throw new IllegalArgumentException("batch-size must be 1..5000 and concurrency at least 1");
        }

        long start = System.nanoTime();
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = (dot > 0 ? name.substring(0, dot) : name) + "." + STAMP.format(Instant.now());
        Rules rules = Rules.defaults();
        Summary summary;
        try (Outcomes outcomes = new Outcomes(successDir.resolve(stem + ".success.csv"),
                failureDir.resolve(stem + ".failure.csv"));
                Caller caller = new Caller(url, apiKey, outcomes, concurrency)) {
            long records = read(input, rules, batchSize, outcomes, caller);
            caller.awaitAll();
            summary = new Summary(records, outcomes.successes(), outcomes.failures(), caller.calls(), caller.callSeconds());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "BASELINE records=%d succeeded=%d failed=%d calls=%d callSeconds=%.3f seconds=%.3f%n",
                summary.records(), summary.succeeded(), summary.failed(), summary.calls(), summary.callSeconds(), seconds);
    }

    private record Summary(long records, long succeeded, long failed, long calls, double callSeconds) {
    }

    /** Reads and validates the file; valid records leave in batches, invalid ones go to the failure output. */
    private static long read(Path input, Rules rules, int batchSize, Outcomes outcomes, Caller caller) throws IOException {
        CsvMapper csv = CsvMapper.builder()
                .enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
                .build();
        Fingerprints seen = new Fingerprints();
        long record = 0;
        try (Reader reader = utf8(Files.newInputStream(input));
                MappingIterator<String[]> rows = csv.readerFor(String[].class).readValues(reader)) {
            if (!rows.hasNextValue()) {
                return 0;
            }
            String[] header = rows.nextValue();
            int senderAt = -1;
            int descriptionAt = -1;
            int isoAt = -1;
            int entityAt = -1;
            for (int i = 0; i < header.length; i++) {
                switch (header[i].trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_')) {
                    case SENDER -> senderAt = i;
                    case DESCRIPTION -> descriptionAt = i;
                    case ISO_CODE -> isoAt = i;
                    case ENTITY_ID -> entityAt = i;
                    default -> { }
                }
            }
            if (senderAt < 0 || descriptionAt < 0 || isoAt < 0) {
                throw new IOException("the CSV header lacks sender, description or iso_code");
            }
            List<Request> batch = new ArrayList<>(batchSize);
            while (rows.hasNextValue()) {
                String[] row = rows.nextValue();
                record++;
                if (extraValues(row, header.length)) {
                    outcomes.failure(new Request(record, null, null, null, null), "PARSE_ERROR",
                            "record " + record + " has " + row.length + " fields but the header names " + header.length);
                    continue;
                }
                Request r = new Request(record, value(row, senderAt), value(row, descriptionAt), value(row, isoAt),
                        value(row, entityAt));
                String[] problem = rules.check(r);
                if (problem == null && !seen.add(r.sender(), r.iso())) {
                    problem = new String[] {"DUPLICATE_IN_FILE", "sender " + r.sender() + " for iso_code " + r.iso()
                            + " appears earlier in this file; only the first is sent"};
                }
                if (problem != null) {
                    outcomes.failure(r, problem[0], problem[1]);
                    continue;
                }
                batch.add(r);
                if (batch.size() == batchSize) {
                    caller.submit(batch);
                    batch = new ArrayList<>(batchSize);
                }
            }
            if (!batch.isEmpty()) {
                caller.submit(batch);
            }
        }
        return record;
    }

    private static Reader utf8(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(3);
        byte[] bom = in.readNBytes(3);
        if (!(bom.length == 3 && (bom[0] & 0xFF) == 0xEF && (bom[1] & 0xFF) == 0xBB && (bom[2] & 0xFF) == 0xBF)) {
            in.reset();
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    private static boolean extraValues(String[] row, int width) {
        for (int i = width; i < row.length; i++) {
            if (row[i] != null && !row[i].isBlank()) {
                return true;
            }
        }
        return false;
    }

    private static String value(String[] row, int at) {
        if (at < 0 || at >= row.length || row[at] == null) {
            return null;
        }
        String v = row[at].strip();
        return v.isEmpty() ? null : v;
    }

    /** The module's default rules: India needs a 6-letter-or-digit sender and a 12-30 digit entity_id. */
    static final class Rules {
        private final Set<String> isoCodes = new HashSet<>();
        private final Pattern indiaSender = Pattern.compile("[A-Za-z0-9]{6}");
        private final Pattern anySender = Pattern.compile(".+");
        private final Pattern entity = Pattern.compile("[0-9]{12,30}");

        static Rules defaults() {
            Rules rules = new Rules();
            for (String code : Locale.getISOCountries()) {
                rules.isoCodes.add(code.toLowerCase(Locale.ROOT));
            }
            return rules;
        }

        /** @return null when valid, else {code, message} */
        String[] check(Request r) {
            if (r.sender() == null) {
                return new String[] {"MISSING_SENDER", "sender is missing"};
            }
            if (r.description() == null) {
                return new String[] {"MISSING_DESCRIPTION", "description is missing"};
            }
            if (r.iso() == null) {
                return new String[] {"MISSING_ISO_CODE", "iso_code is missing (an ISO 3166-1 alpha-2 country code such as in)"};
            }
            String iso = r.iso().toLowerCase(Locale.ROOT);
            if (!isoCodes.contains(iso)) {
                return new String[] {"INVALID_ISO_CODE", "iso_code '" + r.iso()
                        + "' is not an ISO 3166-1 alpha-2 country code accepted here"};
            }
            boolean india = iso.equals("in");
            if (!(india ? indiaSender : anySender).matcher(r.sender()).matches()) {
                return new String[] {"INVALID_SENDER", "sender '" + r.sender() + "' (" + r.sender().length()
                        + " characters) must be " + (india ? "exactly 6 letters or digits" : "not blank")
                        + " for iso_code " + r.iso()};
            }
            if (r.entity() == null) {
                if (india) {
                    return new String[] {"MISSING_ENTITY_ID", "entity_id (the DLT entity id, 12 to 30 digits) is required for iso_code "
                            + r.iso()};
                }
            } else if (!entity.matcher(r.entity()).matches()) {
                return new String[] {"INVALID_ENTITY_ID", "entity_id '" + r.entity() + "' must be 12 to 30 digits"};
            }
            return null;
        }
    }

    /**
     * The sender/iso_code pairs seen in the file, as 64-bit hashes in an open-addressing table (8 bytes a slot,
     * at most half full): a million records cost 16 MB, not a million strings.
     */
    static final class Fingerprints {
        private long[] table = new long[1 << 12];
        private int size;
        private boolean zero;

        boolean add(String sender, String iso) {
            long h = 0x243F6A8885A308D3L;
            for (int i = 0; i < sender.length(); i++) {
                h = (h + Character.toUpperCase(sender.charAt(i))) * 0x9E3779B97F4A7C15L;
            }
            h = (h + 0x7F) * 0x9E3779B97F4A7C15L;
            for (int i = 0; i < iso.length(); i++) {
                h = (h + Character.toLowerCase(iso.charAt(i))) * 0x9E3779B97F4A7C15L;
            }
            h ^= h >>> 31;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
            if (h == 0) {
                boolean fresh = !zero;
                zero = true;
                return fresh;
            }
            if (2 * (size + 1) > table.length) {
                long[] old = table;
                table = new long[old.length * 2];
                for (long k : old) {
                    if (k != 0) {
                        put(table, k);
                    }
                }
            }
            if (put(table, h)) {
                size++;
                return true;
            }
            return false;
        }

        private static boolean put(long[] t, long key) {
            int mask = t.length - 1;
            int i = (int) (key ^ (key >>> 32)) & mask;
            while (t[i] != 0) {
                if (t[i] == key) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            t[i] = key;
            return true;
        }
    }

    /** POSTs the batches: inline on the caller's thread, or on N threads with at most N calls open. */
    static final class Caller implements Closeable {
        private static final int MAX_ATTEMPTS = 4;

        private final HttpClient http;
        private final URI uri;
        private final String apiKey;
        private final Outcomes outcomes;
        private final ExecutorService pool;
        private final Semaphore open;
        private final int concurrency;
        private final AtomicLong calls = new AtomicLong();
        private final AtomicLong callNanos = new AtomicLong();
        private final AtomicReference<Throwable> error = new AtomicReference<>();

        Caller(String url, String apiKey, Outcomes outcomes, int concurrency) {
            this.uri = URI.create(url);
            this.apiKey = apiKey;
            this.outcomes = outcomes;
            this.concurrency = concurrency;
            this.pool = concurrency > 1 ? Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(r, "baseline-call");
                t.setDaemon(true);
                return t;
            }) : null;
            this.open = new Semaphore(concurrency);
            this.http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }

        void submit(List<Request> batch) {
            rethrow();
            if (pool == null) {
                settle(batch);
                return;
            }
            open.acquireUninterruptibly();
            pool.execute(() -> {
                try {
                    settle(batch);
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                } finally {
                    open.release();
                }
            });
        }

        void awaitAll() {
            open.acquireUninterruptibly(concurrency);
            open.release(concurrency);
            rethrow();
        }

        long calls() {
            return calls.get();
        }

        /** Time spent waiting for replies (request sent to reply read), summed over all calls. */
        double callSeconds() {
            return callNanos.get() / 1e9;
        }

        private void rethrow() {
            Throwable t = error.get();
            if (t != null) {
                throw new IllegalStateException("a call failed", t);
            }
        }

        /** Calls until every record of the batch has an outcome (MSG134 resubmits the rest, RBC192 halves). */
        private void settle(List<Request> batch) {
            List<List<Request>> pending = new ArrayList<>();
            pending.add(batch);
            while (!pending.isEmpty()) {
                List<Request> request = pending.remove(pending.size() - 1);
                Reply reply = post(request);
                if (reply == null) {
                    fail(request, "API_UNAVAILABLE", "no reply after " + MAX_ATTEMPTS + " attempts");
                } else if (reply.status() == 200) {
                    accepted(request, reply.body());
                } else if (reply.status() == 400 && "MSG134".equals(reply.body().path("code").asText())) {
                    List<Request> again = rejected(request, reply.body());
                    if (!again.isEmpty()) {
                        pending.add(again);
                    }
                } else if (reply.status() == 400 && "RBC192".equals(reply.body().path("code").asText()) && request.size() > 1) {
                    int half = request.size() / 2;
                    pending.add(new ArrayList<>(request.subList(half, request.size())));
                    pending.add(new ArrayList<>(request.subList(0, half)));
                } else {
                    fail(request, "UNEXPECTED_RESPONSE", "HTTP " + reply.status() + " " + reply.body().path("code").asText());
                }
            }
        }

        private record Reply(int status, JsonNode body) {
        }

        private Reply post(List<Request> request) {
            byte[] body = body(request);
            HttpRequest httpRequest = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header("api-key", apiKey)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                try {
                    calls.incrementAndGet();
                    long sent = System.nanoTime();
                    HttpResponse<byte[]> response = http.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
                    callNanos.addAndGet(System.nanoTime() - sent);
                    int status = response.statusCode();
                    if (status != 429 && status < 500) {
                        byte[] bytes = response.body();
                        JsonNode json = bytes.length == 0 ? MAPPER.missingNode() : MAPPER.readTree(bytes);
                        return new Reply(status, json);
                    }
                } catch (IOException e) {
                    // retried below
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                try {
                    Thread.sleep(200L << attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return null;
        }

        private void accepted(List<Request> request, JsonNode reply) {
            JsonNode data = reply.path("data");
            Map<String, JsonNode> bySender = null;
            for (int i = 0; i < request.size(); i++) {
                Request r = request.get(i);
                JsonNode entry = data.get(i);
                if (entry == null || !r.sender().equalsIgnoreCase(entry.path("sender").asText())) {
                    if (bySender == null) {
                        bySender = new HashMap<>();
                        for (JsonNode e : data) {
                            bySender.putIfAbsent(e.path("sender").asText().toUpperCase(Locale.ROOT), e);
                        }
                    }
                    entry = bySender.get(r.sender().toUpperCase(Locale.ROOT));
                }
                if (entry == null) {
                    outcomes.success(r, "", "", reply.path("code").asText(), "accepted but not listed in the reply");
                } else {
                    outcomes.success(r, entry.path("id").asText(), entry.path("status").asText(),
                            entry.path("code").asText(), entry.path("message").asText());
                }
            }
        }

        private List<Request> rejected(List<Request> request, JsonNode reply) {
            Map<Integer, String> named = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = reply.path("error").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    StringBuilder why = new StringBuilder(e.getValue().isObject() ? "" : e.getValue().asText());
                    for (Iterator<Map.Entry<String, JsonNode>> f = e.getValue().fields(); f.hasNext();) {
                        Map.Entry<String, JsonNode> field = f.next();
                        if (!field.getKey().equals("sender_name")) {
                            why.append(why.length() == 0 ? "" : "; ").append(field.getValue().asText());
                        }
                    }
                    named.put(Integer.parseInt(e.getKey().trim()), why.toString());
                } catch (NumberFormatException notAnIndex) {
                    // not an entry
                }
            }
            List<Request> again = new ArrayList<>(request.size());
            boolean anyNamed = false;
            for (int i = 0; i < request.size(); i++) {
                String why = named.get(i);
                if (why == null) {
                    again.add(request.get(i));
                } else {
                    anyNamed = true;
                    outcomes.failure(request.get(i), "MSG134", why);
                }
            }
            if (!anyNamed) {
                fail(again, "MSG134", "rejected without naming entries");
                return List.of();
            }
            return again;
        }

        private void fail(List<Request> request, String code, String message) {
            for (Request r : request) {
                outcomes.failure(r, code, message);
            }
        }

        private static byte[] body(List<Request> request) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(request.size() * 100 + 16);
            try (JsonGenerator g = JSON.createGenerator(out)) {
                g.writeStartObject();
                g.writeArrayFieldStart("data");
                for (Request r : request) {
                    g.writeStartObject();
                    g.writeStringField("sender", r.sender());
                    g.writeStringField("description", r.description());
                    g.writeStringField("iso_code", r.iso());
                    if (r.entity() != null) {
                        g.writeStringField("entity_id", r.entity());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** The two outputs, each a buffered CSV writer opened on its first row; rows may come from several threads. */
    static final class Outcomes implements Closeable {
        private final CsvFile success;
        private final CsvFile failure;

        Outcomes(Path success, Path failure) {
            this.success = new CsvFile(success, SUCCESS_HEADER);
            this.failure = new CsvFile(failure, FAILURE_HEADER);
        }

        void success(Request r, String id, String status, String code, String message) {
            success.row(Long.toString(r.record()), r.sender(), r.description(), r.iso(), r.entity(), id, status, code, message);
        }

        void failure(Request r, String code, String message) {
            failure.row(Long.toString(r.record()), r.sender(), r.description(), r.iso(), r.entity(), code, message);
        }

        long successes() {
            return success.rows();
        }

        long failures() {
            return failure.rows();
        }

        @Override
        public void close() throws IOException {
            try {
                success.close();
            } finally {
                failure.close();
            }
        }
    }

    static final class CsvFile implements Closeable {
        private final Path target;
        private final Path temp;
        private final String[] header;
        private Writer out;
        private long rows;

        CsvFile(Path target, String[] header) {
            this.target = target;
            this.temp = target.resolveSibling(".writing-" + target.getFileName());
            this.header = header;
        }

        synchronized void row(String... values) {
            try {
                if (out == null) {
                    Files.createDirectories(target.getParent());
                    out = new BufferedWriter(Files.newBufferedWriter(temp, StandardCharsets.UTF_8), 1 << 16);
                    line(header);
                }
                line(values);
                rows++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void line(String[] values) throws IOException {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                String v = values[i];
                if (v != null) {
                    field(v);
                }
            }
            out.write('\n');
        }

        private void field(String v) throws IOException {
            boolean quote = false;
            for (int i = 0; i < v.length() && !quote; i++) {
                char c = v.charAt(i);
                quote = c == ',' || c == '"' || c == '\n' || c == '\r';
            }
            if (!quote) {
                out.write(v);
                return;
            }
            out.write('"');
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '"') {
                    out.write('"');
                }
                out.write(c);
            }
            out.write('"');
        }

        synchronized long rows() {
            return rows;
        }

        @Override
        public synchronized void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }
}
