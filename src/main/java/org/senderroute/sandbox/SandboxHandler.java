package org.senderroute.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the sandbox answers one call: the sender paths, the API key and account, the senders created all or nothing,
 * and the fault switched on for the next POST, if any. Counts the POSTs it serves for {@link KaleyraSandbox}.
 */
final class SandboxHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(KaleyraSandbox.class);

    static final String API_KEY_HEADER = "api-key";

    private static final Pattern SENDER_PATH = Pattern.compile("/v1/([^/]+)/(?:messages|sms)/sender");

    private final SandboxSettings settings;
    private final SandboxFaults faults;
    private final SenderRegistry registry;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final SandboxReplies replies = new SandboxReplies(mapper);
    private final byte[] apiKey;

    private final AtomicInteger postCalls = new AtomicInteger();
    private final AtomicInteger postsInFlight = new AtomicInteger();
    private final AtomicInteger maxPostsInFlight = new AtomicInteger();
    private final List<Integer> requestSizes = new ArrayList<>();
    private final List<Long> postArrivals = new ArrayList<>();
    /** Arrivals and answers of POSTs, numbered as they happen. */
    private final AtomicLong events = new AtomicLong();
    private final List<SandboxCall> calls = new ArrayList<>();

    SandboxHandler(SandboxSettings settings, SandboxFaults faults, SenderRegistry registry) {
        this.settings = settings;
        this.faults = faults;
        this.registry = registry;
        this.apiKey = settings.apiKey().getBytes(StandardCharsets.UTF_8);
    }

    int postCalls() {
        return postCalls.get();
    }

    int maxConcurrentPosts() {
        return maxPostsInFlight.get();
    }

    List<Integer> requestSizes() {
        synchronized (requestSizes) {
            return List.copyOf(requestSizes);
        }
    }

    List<Long> postArrivalNanos() {
        synchronized (requestSizes) {
            return List.copyOf(postArrivals);
        }
    }

    List<SandboxCall> calls() {
        synchronized (requestSizes) {
            return List.copyOf(calls);
        }
    }

    /** Forgets the calls counted so far. */
    void forgetCalls() {
        synchronized (requestSizes) {
            calls.clear();
            requestSizes.clear();
            postArrivals.clear();
            postCalls.set(0);
            maxPostsInFlight.set(0);
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        boolean post = "POST".equals(method);
        long arrived = 0;
        String[] firstSender = {""};
        if (post) {
            synchronized (requestSizes) {
                postArrivals.add(System.nanoTime());
                arrived = events.incrementAndGet();
            }
            maxPostsInFlight.accumulateAndGet(postsInFlight.incrementAndGet(), Math::max);
        }
        try {
            handle(exchange, method, path, firstSender);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debug("Kaleyra sandbox {} {} abandoned: stopping", method, path);
        } catch (IOException e) {
            LOG.debug("Kaleyra sandbox {} {}: client connection failed: {}", method, path, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Kaleyra sandbox {} {} failed", method, path, e);
            try {
                send(exchange, replies.internalError());
            } catch (IOException | RuntimeException ignored) {
                // the response was already started or the connection is gone
            }
        } finally {
            if (post) {
                postsInFlight.decrementAndGet();
                synchronized (requestSizes) {
                    calls.add(new SandboxCall(firstSender[0], arrived, events.incrementAndGet()));
                }
            }
            exchange.close();
        }
    }

    /** @param firstSender receives the first sender of a POST's data */
    private void handle(HttpExchange exchange, String method, String path, String[] firstSender)
            throws IOException, InterruptedException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        boolean post = "POST".equals(method);
        if (post) {
            postCalls.incrementAndGet();
        }
        Matcher matcher = SENDER_PATH.matcher(path);
        if (!matcher.matches() || !(post || "GET".equals(method))) {
            reply(exchange, method, path, replies.notFound(method, path), Duration.ZERO);
            return;
        }
        String sid = matcher.group(1);
        if (!post) {
            SandboxReply listing = authorized(exchange, sid) ? replies.listing(registry.all()) : replies.unauthorized();
            reply(exchange, method, path, listing, Duration.ZERO);
            return;
        }

        CreateCallBody request = CreateCallBody.parse(mapper, body);
        int size = request.readable() ? request.data().size() : -1;
        if (request.readable() && size > 0) {
            firstSender[0] = request.data().get(0).path("sender").asText("");
        }
        if (request.readable()) {
            synchronized (requestSizes) {
                requestSizes.add(size);
            }
        }
        SandboxFaults.PostFault fault = faults.takeForPost();
        if (fault instanceof SandboxFaults.Fail fail) {
            reply(exchange, method, path,
                    new SandboxReply(fail.status(), fail.body(), fail.retryAfterSeconds(), size), Duration.ZERO);
        } else if (fault instanceof SandboxFaults.Drop) {
            pause(faults.latency());
            // Closing the exchange before any response header is written closes the TCP connection.
            exchange.close();
            LOG.debug("Kaleyra sandbox {} {} -> connection dropped (data size {})", method, path, size);
        } else if (fault instanceof SandboxFaults.CutReply) {
            SandboxReply created = create(exchange, sid, request).withDataSize(size);
            pause(faults.latency());
            byte[] bytes = created.bytes();
            OutputStream out = startBody(exchange, created.status(), bytes.length);
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            // closing the exchange with the body unfinished closes the TCP connection
            exchange.close();
            LOG.debug("Kaleyra sandbox {} {} -> {} cut off after {} of {} bytes", method, path, created.status(),
                    bytes.length / 2, bytes.length);
        } else if (fault instanceof SandboxFaults.Trickle trickle) {
            SandboxReply created = create(exchange, sid, request).withDataSize(size);
            pause(faults.latency());
            byte[] bytes = created.bytes();
            OutputStream out = startBody(exchange, created.status(), bytes.length);
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                pause(trickle.every());
            }
            out.close();
            LOG.debug("Kaleyra sandbox {} {} -> {} trickled out", method, path, created.status());
        } else if (fault instanceof SandboxFaults.EndEarly) {
            SandboxReply created = create(exchange, sid, request).withDataSize(size);
            pause(faults.latency());
            byte[] bytes = created.bytes();
            // no Content-Length: the body is chunked, and its last chunk ends it cleanly half-way through the JSON
            try (OutputStream out = startBody(exchange, created.status(), 0)) {
                out.write(bytes, 0, bytes.length / 2);
            }
            LOG.debug("Kaleyra sandbox {} {} -> {} ended after {} of {} bytes", method, path, created.status(),
                    bytes.length / 2, bytes.length);
        } else if (fault instanceof SandboxFaults.Redirect redirect) {
            exchange.getResponseHeaders().set("Location", redirect.location());
            reply(exchange, method, path, new SandboxReply(redirect.status(), "<html><body>Moved</body></html>"), Duration.ZERO);
        } else if (fault instanceof SandboxFaults.HugeReply huge) {
            pause(faults.latency());
            try (OutputStream out = new BufferedOutputStream(startBody(exchange, 200, 0), 65_536)) {
                out.write("{\"code\":\"MSG106\",\"message\":\"Sender IDs created\",\"data\":[".getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < huge.entries(); i++) {
                    out.write(((i == 0 ? "" : ",") + "{\"id\":\"" + i + "\",\"status\":\"approved\",\"sender\":\"HUGE" + i
                            + "\",\"code\":\"MSG106\"}").getBytes(StandardCharsets.UTF_8));
                }
                out.write("],\"error\":{}}".getBytes(StandardCharsets.UTF_8));
            }
            LOG.debug("Kaleyra sandbox {} {} -> 200 with {} made-up entries", method, path, huge.entries());
        } else if (fault instanceof SandboxFaults.AnswerLate late) {
            reply(exchange, method, path, create(exchange, sid, request).withDataSize(size), late.delay());
        } else {
            reply(exchange, method, path, create(exchange, sid, request).withDataSize(size), Duration.ZERO);
        }
    }

    private SandboxReply create(HttpExchange exchange, String sid, CreateCallBody request) {
        if (!authorized(exchange, sid)) {
            return replies.unauthorized();
        }
        if (!request.readable()) {
            return replies.badBody(request.problem());
        }
        List<JsonNode> data = request.data();
        if (data.isEmpty()) {
            return replies.badBody(KaleyraMessages.BAD_BODY_EMPTY_DATA);
        }
        int capacity = faults.capacity();
        if (data.size() > capacity) {
            return replies.capacityExceeded(capacity);
        }
        List<SenderEntry> entries = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            entries.add(SenderEntryValidator.validate(i, data.get(i)));
        }
        SenderRegistry.Outcome outcome = registry.createAll(entries);
        if (outcome.succeeded()) {
            return replies.created(outcome.created());
        }
        Map<Integer, String> sentSenders = new HashMap<>();
        for (SenderEntry entry : entries) {
            sentSenders.put(entry.index(), entry.sender());
        }
        return replies.notCreated(outcome.faults(), sentSenders);
    }

    private boolean authorized(HttpExchange exchange, String sid) {
        String key = exchange.getRequestHeaders().getFirst(API_KEY_HEADER);
        boolean keyMatches = key != null && MessageDigest.isEqual(apiKey, key.getBytes(StandardCharsets.UTF_8));
        return keyMatches && settings.sid().equals(sid);
    }

    private void reply(HttpExchange exchange, String method, String path, SandboxReply reply, Duration extraDelay)
            throws IOException, InterruptedException {
        pause(faults.latency().plus(extraDelay));
        send(exchange, reply);
        if (reply.dataSize() >= 0) {
            LOG.debug("Kaleyra sandbox {} {} -> {} (data size {})", method, path, reply.status(), reply.dataSize());
        } else {
            LOG.debug("Kaleyra sandbox {} {} -> {}", method, path, reply.status());
        }
    }

    private static void send(HttpExchange exchange, SandboxReply reply) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        if (reply.retryAfterSeconds() != null) {
            headers.set("Retry-After", Integer.toString(reply.retryAfterSeconds()));
        }
        byte[] bytes = reply.bytes();
        if (bytes.length == 0 || "HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sends the headers of a JSON reply whose body is written by hand ({@code length} 0: chunked). */
    private static OutputStream startBody(HttpExchange exchange, int status, long length) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, length);
        return exchange.getResponseBody();
    }

    private static void pause(Duration delay) throws InterruptedException {
        if (!delay.isZero()) {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        }
    }
}
