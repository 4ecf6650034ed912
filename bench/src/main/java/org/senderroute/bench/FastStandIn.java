package org.senderroute.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Kaleyra stand-in that does the minimum, in a JVM of its own: every {@code POST} whose {@code api-key} header is
 * the expected one is answered {@code 200 MSG106} with one created entry (an id, the sender sent) per entry of the
 * request's {@code data} array, read as a stream of JSON tokens; nothing is kept, nothing is validated. The module's
 * sandbox ({@link SandboxServer}) validates and registers every sender, so its own cost weighs on both sides of the
 * benchmark; this one measures the client.
 *
 * <pre>
 *   FastStandIn [port=0] [latencyMs=0] [apiKey=sandbox-api-key]
 * </pre>
 *
 * Prints {@code SANDBOX_URL http://127.0.0.1:<port>} once it listens (the same line as {@link SandboxServer}), then
 * serves until the process is stopped (SIGTERM). On the way out it prints {@code SANDBOX_STATS} (POSTs answered,
 * entries created) and {@code SANDBOX_INFLIGHT}: the most calls in flight at once (a call is in flight from its
 * request's arrival to its reply's end, latency included), their mean over the busy time, and {@code idle=} the
 * times the calls in flight fell to zero between the first call and the last (0: the calls never stopped), and
 * {@code span=} the seconds from the first call's arrival to the last call's end.
 */
public final class FastStandIn {

    private static final JsonFactory JSON = new JsonFactory();
    private static final String CREATED =
            "Your Sender ID is submitted and will be verified by a Kaleyra Support Team member.";

    private final long latencyMs;
    private final String apiKey;
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final InFlight inFlight = new InFlight();

    private FastStandIn(long latencyMs, String apiKey) {
        this.latencyMs = latencyMs;
        this.apiKey = apiKey;
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        long latencyMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
        String apiKey = args.length > 2 ? args[2] : "sandbox-api-key";
        FastStandIn standIn = new FastStandIn(latencyMs, apiKey);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ExecutorService workers = Executors.newCachedThreadPool();
        server.setExecutor(workers);
        server.createContext("/", standIn::handle);
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("SANDBOX_STATS posts=" + standIn.posts.get() + " created=" + standIn.created.get());
            System.out.println("SANDBOX_INFLIGHT " + standIn.inFlight.report());
            System.out.flush();
            server.stop(0);
            workers.shutdownNow();
            stopped.countDown();
        }, "stand-in-stop"));
        System.out.println("SANDBOX_URL http://127.0.0.1:" + server.getAddress().getPort());
        System.out.flush();
        stopped.await();
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.begin();
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                reply(exchange, 404, "{\"code\":\"E404\",\"message\":\"Not found\",\"data\":[],\"error\":{}}".getBytes());
                return;
            }
            if (!apiKey.equals(exchange.getRequestHeaders().getFirst("api-key"))) {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                reply(exchange, 401, "{\"code\":\"E110\",\"message\":\"Invalid API key\",\"data\":[],\"error\":{}}".getBytes());
                return;
            }
            posts.incrementAndGet();
            byte[] body = created(exchange.getRequestBody());
            if (latencyMs > 0) {
                Thread.sleep(latencyMs);
            }
            reply(exchange, 200, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.end();
        }
    }

    /** Reads the request's data array as tokens and writes the MSG106 reply: one created entry per entry sent. */
    private byte[] created(InputStream request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try (JsonParser p = JSON.createParser(request); JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("code", "MSG106");
            g.writeStringField("message", CREATED);
            g.writeArrayFieldStart("data");
            int depth = 0;
            boolean inData = false;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                    if (depth == 2 && t == JsonToken.START_ARRAY && "data".equals(p.currentName())) {
                        inData = true;
                    }
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                    if (depth == 1) {
                        inData = false;
                    }
                } else if (inData && depth == 3 && t == JsonToken.VALUE_STRING && "sender".equals(p.currentName())) {
                    g.writeStartObject();
                    g.writeStringField("id", "fs-" + ids.incrementAndGet());
                    g.writeStringField("status", "1");
                    g.writeStringField("sender", p.getText());
                    g.writeStringField("message", CREATED);
                    g.writeStringField("code", "MSG106");
                    g.writeEndObject();
                    created.incrementAndGet();
                }
            }
            g.writeEndArray();
            g.writeObjectFieldStart("error");
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Calls in flight: the most at once, their time-weighted mean while any is, and how often they fell to zero. */
    private static final class InFlight {
        private int now;
        private int max;
        private int idle;
        private long calls;
        private long busySince;
        private long busyNanos;
        private long weightedNanos;
        private long changedAt;
        private long firstAt;
        private long lastAt;

        synchronized void begin() {
            long t = System.nanoTime();
            account(t);
            if (now == 0) {
                if (calls > 0) {
                    idle++;
                } else {
                    firstAt = t;
                }
                busySince = t;
            }
            now++;
            calls++;
            max = Math.max(max, now);
        }

        synchronized void end() {
            long t = System.nanoTime();
            account(t);
            now--;
            lastAt = t;
            if (now == 0) {
                busyNanos += t - busySince;
            }
        }

        private void account(long t) {
            weightedNanos += (long) now * (t - changedAt);
            changedAt = t;
        }

        synchronized String report() {
            double mean = busyNanos == 0 ? 0 : (double) weightedNanos / busyNanos;
            return String.format(Locale.ROOT, "max=%d meanWhileBusy=%.2f idle=%d calls=%d span=%.3f", max, mean,
                    idle, calls, (lastAt - firstAt) / 1e9);
        }
    }
}
