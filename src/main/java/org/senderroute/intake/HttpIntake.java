package org.senderroute.intake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.senderroute.domain.FileRun;
import org.senderroute.support.NameLength;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP intake ({@code routes/12-intake-http.camel.yaml}): {@code POST /senders} hands over a body of sender
 * requests, as a file dropped in the inbox would be, and {@code GET /senders/{id}} tells how it went.
 * <ul>
 * <li>The bearer token decides the account ({@link IntakeTokens}); without a known one: 401, nothing read or kept.</li>
 * <li>The body is copied as a stream to {@code sender.work-dir/http}, at most {@code sender.http-intake.max-body-bytes}
 * (413 beyond), never held in memory; its {@code Content-Type} gives its format.</li>
 * <li>{@code Idempotency-Key} (required) names the request ({@link IntakeRequests}): the same key again gets the first
 * answer and nothing is processed again; with another body, 422.</li>
 * <li>Answers 202 with a {@code Location} at once, or, with {@code ?wait=30s}, the summary when the file is done
 * within that time.</li>
 * </ul>
 * Never logged: the token, the key, the body's values.
 */
public final class HttpIntake {

    /** The exchange property holding the id of the request an exchange processes. */
    public static final String REQUEST_PROPERTY = "senderHttpRequest";
    static final String WAIT_PROPERTY = "senderHttpWait";
    static final String PATH = "/senders/";
    /** The longest a POST waits for its summary, whatever it asks. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(HttpIntake.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> EXTENSIONS = Map.of("text/csv", ".csv", "application/json", ".json",
            "application/x-ndjson", ".ndjson");
    private static final int MAX_KEY_LENGTH = 255;

    private final IntakeTokens tokens;
    private final IntakeRequests requests;
    private final long maxBodyBytes;
    private final Map<String, CompletableFuture<ObjectNode>> running = new ConcurrentHashMap<>();

    public HttpIntake(IntakeTokens tokens, IntakeRequests requests, long maxBodyBytes) {
        this.tokens = tokens;
        this.requests = requests;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * {@code POST /senders}: checks the request, keeps its body and records it. A new request is marked for processing
     * (the route then hands it to the pipeline); any other gets its answer here.
     */
    public void receive(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String account = tokens.accountOf(in.getHeader("Authorization", String.class));
        String key = in.getHeader("Idempotency-Key", String.class);
        String type = mediaType(in.getHeader(Exchange.CONTENT_TYPE, String.class));
        String named = in.getHeader("X-File-Name", String.class);
        String wait = in.getHeader("wait", String.class);
        Long length = in.getHeader("Content-Length", Long.class);
        if (account == null) {
            in.setHeader("WWW-Authenticate", "Bearer");
            answer(exchange, 401, error("a bearer token of an account is required (Authorization: Bearer <token>)"));
            return;
        }
        if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            answer(exchange, 400, error("an Idempotency-Key header (1 to " + MAX_KEY_LENGTH + " characters) is required"));
            return;
        }
        String extension = EXTENSIONS.get(type);
        if (extension == null) {
            answer(exchange, 415, error("Content-Type must be text/csv, application/json or application/x-ndjson"));
            return;
        }
        if (length != null && length > maxBodyBytes) {
            answer(exchange, 413, error("the body is larger than " + maxBodyBytes + " bytes"));
            return;
        }
        Duration waitFor;
        try {
            waitFor = waitOf(wait);
        } catch (IllegalArgumentException e) {
            answer(exchange, 400, error(e.getMessage()));
            return;
        }
        String id = IntakeRequests.idOf(account, key);
        String fileName = fileName(named, id, extension);
        Path received = requests.incoming();
        String sha256;
        try {
            sha256 = BoundedCopy.copy(in.getBody(InputStream.class), received, maxBodyBytes);
        } catch (BoundedCopy.TooLargeException e) {
            answer(exchange, 413, error(e.getMessage()));
            return;
        } finally {
            closeBody(in);
        }
        String accepted = accepted(id, fileName).toString();
        IntakeRequests.Arrival arrival = requests.arrive(id, account, fileName, sha256, received, 202, accepted);
        switch (arrival) {
            case NEW -> {
                running.put(id, new CompletableFuture<>());
                LOG.info("HTTP intake: request {} accepted for account {} as {}", id, account, fileName);
                exchange.setProperty(REQUEST_PROPERTY, id);
                exchange.setProperty(WAIT_PROPERTY, waitFor);
                in.setHeader("Location", PATH + id);
                answer(exchange, 202, accepted);
            }
            case REPEATED -> {
                ObjectNode record = requests.find(id).orElseThrow();
                in.setHeader("Location", PATH + id);
                answer(exchange, record.path("answer_status").asInt(202), record.path("answer").asText());
            }
            case CONFLICT -> answer(exchange, 422, error("this Idempotency-Key was used with another body"));
        }
    }

    /** Whether the exchange holds a new request, to be processed. */
    public boolean isNew(Exchange exchange) {
        return exchange.getProperty(REQUEST_PROPERTY) != null && exchange.getProperty(WAIT_PROPERTY) != null;
    }

    /**
     * Turns the exchange into the pipeline's input, as a dropped file's: the body is the request's file, its name
     * {@code http/<account>/<file>} in the file ledger, its account the token's; the outcome rows are kept for GET.
     */
    public void toPipeline(Exchange exchange) {
        String id = exchange.getProperty(REQUEST_PROPERTY, String.class);
        ObjectNode record = requests.find(id).orElseThrow(() -> new IllegalStateException("no request " + id));
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        Path input = requests.input(record);
        String account = record.path("account").asText();
        message.setBody(input.toFile());
        message.setHeader(Exchange.FILE_NAME, "http/" + account + "/" + input.getFileName());
        message.setHeader(Exchange.FILE_NAME_ONLY, input.getFileName().toString());
        message.setHeader(Exchange.FILE_LENGTH, input.toFile().length());
        exchange.setProperty(FileRun.ACCOUNT_PROPERTY, account);
        exchange.setProperty(FileRun.KEEP_OUTPUTS_PROPERTY, requests.outputs(id).toString());
    }

    /** A POST with {@code ?wait=}: the summary when the request is done within that time, else the 202 as it is. */
    public void awaitAnswer(Exchange exchange) throws IOException {
        String id = exchange.getProperty(REQUEST_PROPERTY, String.class);
        Duration wait = exchange.getProperty(WAIT_PROPERTY, Duration.class);
        CompletableFuture<ObjectNode> done = running.get(id);
        if (wait == null || wait.isZero() || done == null) {
            return;
        }
        try {
            ObjectNode record = done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            String answer = status(record).toString();
            requests.answered(id, 200, answer);
            answer(exchange, 200, answer);
        } catch (TimeoutException e) {
            LOG.debug("HTTP intake: request {} not done within {}", id, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The pipeline is over for the request: its summary is recorded (or nothing, when a stop interrupted it). */
    public void processed(Exchange exchange) throws IOException {
        String id = exchange.getProperty(REQUEST_PROPERTY, String.class);
        FileRun run = exchange.getProperty(FileRun.PROPERTY, FileRun.class);
        if (run != null && (run.isInterrupted() || run.abandoned() != null)) {
            LOG.info("HTTP intake: request {} interrupted; processed again at the next start", id);
            running.remove(id);
            return;
        }
        String summary;
        if (run == null) {
            summary = null;
        } else if (run.isDuplicate()) {
            ObjectNode note = JSON.createObjectNode();
            note.put("file", run.inputName());
            note.put("duplicate", true);
            note.put("message", run.duplicateNote());
            summary = note.toString();
        } else {
            summary = run.summaryJson();
        }
        settle(id, IntakeRequests.State.DONE, summary, null);
    }

    /** The processing failed (a local fault, an unexpected error): told in the request's state. */
    public void failed(Exchange exchange) throws IOException {
        String id = exchange.getProperty(REQUEST_PROPERTY, String.class);
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        FileRun run = exchange.getProperty(FileRun.PROPERTY, FileRun.class);
        settle(id, IntakeRequests.State.FAILED, run == null ? null : run.summaryJson(),
                caught == null ? "processing failed" : "processing failed: " + caught.getClass().getSimpleName());
    }

    private void settle(String id, IntakeRequests.State state, String summary, String error) throws IOException {
        ObjectNode record = requests.settle(id, state, summary, error);
        CompletableFuture<ObjectNode> done = running.remove(id);
        if (done != null) {
            done.complete(record);
        }
    }

    /** The ids of requests accepted and not settled (a stop interrupted them), to be processed at start. */
    public java.util.List<String> interrupted() {
        return requests.unsettled().stream().map(r -> r.path("id").asText()).filter(id -> !running.containsKey(id))
                .peek(id -> running.put(id, new CompletableFuture<>())).toList();
    }

    /** {@code GET /senders/{id}}: the request's state, and its summary once done; only to its account's token. */
    public void status(Exchange exchange) {
        ObjectNode record = authorizedRecord(exchange);
        if (record != null) {
            answer(exchange, 200, status(record).toString());
        }
    }

    /** {@code GET /senders/{id}/success} or {@code /failure}: the request's outcome rows, as CSV. */
    public void rows(Exchange exchange) {
        ObjectNode record = authorizedRecord(exchange);
        if (record == null) {
            return;
        }
        String which = exchange.getMessage().getHeader("outcome", String.class);
        if (!"success".equals(which) && !"failure".equals(which)) {
            answer(exchange, 404, error("no such outcome: success or failure"));
            return;
        }
        if (!IntakeRequests.State.DONE.name().equals(record.path("state").asText())) {
            answer(exchange, 409, error("the request is not done"));
            return;
        }
        Path rows = requests.outputs(record.path("id").asText()).resolve(which + ".csv");
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "text/csv; charset=UTF-8");
        message.setBody(Files.exists(rows) ? rows.toFile() : "");
    }

    private ObjectNode authorizedRecord(Exchange exchange) {
        Message in = exchange.getMessage();
        String account = tokens.accountOf(in.getHeader("Authorization", String.class));
        if (account == null) {
            in.setHeader("WWW-Authenticate", "Bearer");
            answer(exchange, 401, error("a bearer token of an account is required (Authorization: Bearer <token>)"));
            return null;
        }
        ObjectNode record = requests.find(in.getHeader("id", String.class))
                .filter(r -> account.equals(r.path("account").asText())).orElse(null);
        if (record == null) {
            answer(exchange, 404, error("no such request for this account"));
        }
        return record;
    }

    private ObjectNode status(ObjectNode record) {
        String id = record.path("id").asText();
        ObjectNode status = JSON.createObjectNode();
        status.put("id", id);
        status.put("state", record.path("state").asText().toLowerCase(Locale.ROOT));
        status.put("file", record.path("file").asText());
        status.put("received_at", record.path("received_at").asText());
        if (record.has("settled_at")) {
            status.put("settled_at", record.path("settled_at").asText());
        }
        if (record.has("error")) {
            status.put("error", record.path("error").asText());
        }
        if (record.has("summary")) {
            ObjectNode summary = record.path("summary").deepCopy();
            summary.remove("file");
            status.set("summary", summary);
        }
        if (IntakeRequests.State.DONE.name().equals(record.path("state").asText())) {
            Path outputs = requests.outputs(id);
            ObjectNode rows = status.putObject("rows");
            rows.put("success", Files.exists(outputs.resolve("success.csv")) ? PATH + id + "/success" : null);
            rows.put("failure", Files.exists(outputs.resolve("failure.csv")) ? PATH + id + "/failure" : null);
        }
        return status;
    }

    private static ObjectNode accepted(String id, String fileName) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        body.put("state", "accepted");
        body.put("file", fileName);
        body.put("location", PATH + id);
        return body;
    }

    /** Sets the HTTP answer; of the request's headers, only those of the answer are kept (never its token). */
    private static void answer(Exchange exchange, int status, String json) {
        Message message = exchange.getMessage();
        Object location = message.getHeader("Location");
        Object authenticate = message.getHeader("WWW-Authenticate");
        message.getHeaders().clear();
        if (location != null) {
            message.setHeader("Location", location);
        }
        if (authenticate != null) {
            message.setHeader("WWW-Authenticate", authenticate);
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json);
    }

    private static String error(String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        return body.toString();
    }

    private static void closeBody(Message in) {
        Object body = in.getBody();
        if (body instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("request body not closed cleanly: {}", e.toString());
            }
        }
    }

    /** The media type of a Content-Type header, without its parameters, in lower case. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * The name the outputs are made from: the last segment of {@code X-File-Name} (no folder, no leading dot, no
     * control character), ending in the extension of the body's format; {@code http-<id>} when none is given.
     */
    static String fileName(String named, String id, String extension) {
        String name = named == null ? "" : named.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}]", "").strip();
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        if (name.isEmpty()) {
            name = "http-" + id;
        }
        if (name.toLowerCase(Locale.ROOT).endsWith(extension)) {
            name = name.substring(0, name.length() - extension.length());
        }
        return NameLength.fit(name, 200) + extension;
    }

    /** {@code ?wait=30s}, {@code 500ms}, {@code 2m} or a number of seconds; at most {@link #MAX_WAIT}. */
    static Duration waitOf(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        String value = wait.trim().toLowerCase(Locale.ROOT);
        Duration duration;
        try {
            if (value.endsWith("ms")) {
                duration = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.endsWith("s")) {
                duration = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("m")) {
                duration = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            } else {
                duration = Duration.ofSeconds(Long.parseLong(value));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("wait must be a duration such as 30s, 500ms or 2m");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("wait must not be negative");
        }
        return duration.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : duration;
    }
}
