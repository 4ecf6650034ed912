package org.senderroute.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Kaleyra's Create Sender ID API, for tests and dry runs. It listens on 127.0.0.1 only and
 * never contacts Kaleyra.
 *
 * <ul>
 *   <li>{@code POST /v1/{sid}/messages/sender} and {@code POST /v1/{sid}/sms/sender}: create senders, all or
 *       nothing, with Kaleyra's codes (MSG106, MSG134, RBC192, RBC001).</li>
 *   <li>{@code GET} on the same paths: {@code {"data":[...]}} listing what the sandbox holds.</li>
 *   <li>Anything else: 404 with a JSON body.</li>
 * </ul>
 *
 * Faults (errors, dropped connections, replies cut off, trickled, ended early or endless, redirects, late answers,
 * latency, capacity) are switched through {@link #faults()}.
 */
public final class KaleyraSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KaleyraSandbox.class);

    static final int THREADS = 16;
    static final String API_KEY_HEADER = "api-key";

    private static final Pattern SENDER_PATH = Pattern.compile("/v1/([^/]+)/(?:messages|sms)/sender");
    private static final byte[] LOOPBACK = {127, 0, 0, 1};

    private final SandboxSettings settings;
    private final SandboxFaults faults;
    private final SenderRegistry registry;
    private final ObjectMapper mapper;
    private final SandboxReplies replies;
    private final byte[] apiKey;

    private final AtomicInteger postCalls = new AtomicInteger();
    private final AtomicInteger postsInFlight = new AtomicInteger();
    private final AtomicInteger maxPostsInFlight = new AtomicInteger();
    private final List<Integer> requestSizes = new ArrayList<>();

    private final Object lifecycle = new Object();
    private HttpServer server;
    private ExecutorService executor;
    private boolean stopped;

    public KaleyraSandbox() {
        this(SandboxSettings.defaults());
    }

    public KaleyraSandbox(SandboxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.faults = new SandboxFaults(settings.capacity(), settings.latency());
        this.registry = new SenderRegistry(Clock.systemUTC());
        this.mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.replies = new SandboxReplies(mapper);
        this.apiKey = settings.apiKey().getBytes(StandardCharsets.UTF_8);
        for (String entry : settings.preRegistered()) {
            registry.preRegister(PreRegisteredSender.parse(entry));
        }
    }

    /** Binds 127.0.0.1 on the configured port and starts serving. Returns this sandbox. */
    public KaleyraSandbox start() {
        synchronized (lifecycle) {
            if (server != null || stopped) {
                throw new IllegalStateException("the sandbox can be started once");
            }
            HttpServer created;
            try {
                created = HttpServer.create(
                        new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), settings.port()), 128);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind the Kaleyra sandbox to 127.0.0.1:" + settings.port(), e);
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS, threadFactory());
            created.createContext("/", this::handle);
            created.setExecutor(pool);
            created.start();
            server = created;
            executor = pool;
        }
        LOG.warn("Kaleyra SANDBOX listening on {} (account {}): nothing is sent to Kaleyra", baseUrl(),
                settings.sid());
        return this;
    }

    /** Stops serving at once; calls still being handled are abandoned. Safe to call more than once. */
    public void stop() {
        HttpServer s;
        ExecutorService pool;
        synchronized (lifecycle) {
            if (stopped) {
                return;
            }
            stopped = true;
            s = server;
            pool = executor;
        }
        if (s != null) {
            s.stop(0);
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (s != null) {
            LOG.info("Kaleyra sandbox on port {} stopped", s.getAddress().getPort());
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        synchronized (lifecycle) {
            if (server == null) {
                throw new IllegalStateException("the sandbox is not started");
            }
            return server.getAddress().getPort();
        }
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public SandboxSettings settings() {
        return settings;
    }

    public SandboxFaults faults() {
        return faults;
    }

    /** Every sender held, pre-registered ones included, in creation order. */
    public List<RegisteredSender> registered() {
        return registry.all();
    }

    /** The sender held for this ISO code and sender, both matched case-insensitively. */
    public Optional<RegisteredSender> find(String iso, String sender) {
        return registry.find(iso, sender);
    }

    /** POST requests received, on any path and with any outcome (faults included). */
    public int postCalls() {
        return postCalls.get();
    }

    /** The largest number of POSTs that were being served at the same time. */
    public int maxConcurrentPosts() {
        return maxPostsInFlight.get();
    }

    /** Sizes of the {@code data} arrays of POSTs to the sender paths whose body could be read, in arrival order. */
    public List<Integer> requestSizes() {
        synchronized (requestSizes) {
            return List.copyOf(requestSizes);
        }
    }

    /** Senders created through the API (pre-registered ones not counted). */
    public int createdCount() {
        return registry.createdCount();
    }

    /** Forgets calls, faults and every sender except the pre-registered ones. */
    public void reset() {
        faults.reset();
        registry.forgetCreated();
        synchronized (requestSizes) {
            requestSizes.clear();
            postCalls.set(0);
            maxPostsInFlight.set(0);
        }
    }

    private void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        boolean post = "POST".equals(method);
        if (post) {
            maxPostsInFlight.accumulateAndGet(postsInFlight.incrementAndGet(), Math::max);
        }
        try {
            handle(exchange, method, path);
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
            }
            exchange.close();
        }
    }

    private void handle(HttpExchange exchange, String method, String path) throws IOException, InterruptedException {
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
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(created.status(), bytes.length);
            OutputStream out = exchange.getResponseBody();
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
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(created.status(), bytes.length);
            OutputStream out = exchange.getResponseBody();
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
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            // no Content-Length: the body is chunked, and its last chunk ends it cleanly half-way through the JSON
            exchange.sendResponseHeaders(created.status(), 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes, 0, bytes.length / 2);
            }
            LOG.debug("Kaleyra sandbox {} {} -> {} ended after {} of {} bytes", method, path, created.status(),
                    bytes.length / 2, bytes.length);
        } else if (fault instanceof SandboxFaults.Redirect redirect) {
            exchange.getResponseHeaders().set("Location", redirect.location());
            reply(exchange, method, path, new SandboxReply(redirect.status(), "<html><body>Moved</body></html>"), Duration.ZERO);
        } else if (fault instanceof SandboxFaults.HugeReply huge) {
            pause(faults.latency());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 65_536)) {
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

    private static void pause(Duration delay) throws InterruptedException {
        if (!delay.isZero()) {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        }
    }

    private static ThreadFactory threadFactory() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "kaleyra-sandbox-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
