package org.senderroute.sandbox;

import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * latency, capacity) are switched through {@link #faults()}. This class is the server's life and what a test may
 * ask of it; each call is answered by {@link SandboxHandler}.
 */
public final class KaleyraSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KaleyraSandbox.class);

    static final int THREADS = 16;

    private static final byte[] LOOPBACK = {127, 0, 0, 1};

    private final SandboxSettings settings;
    private final SandboxFaults faults;
    private final SenderRegistry registry;
    private final SandboxHandler handler;

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
        this.handler = new SandboxHandler(settings, faults, registry);
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
            created.createContext("/", handler);
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
        return handler.postCalls();
    }

    /** When each POST arrived ({@link System#nanoTime()}), in arrival order. */
    public List<Long> postArrivalNanos() {
        return handler.postArrivalNanos();
    }

    /** Every POST served, in the order of their answers, placed on one count of arrivals and answers. */
    public List<SandboxCall> calls() {
        return handler.calls();
    }

    /** The largest number of POSTs that were being served at the same time. */
    public int maxConcurrentPosts() {
        return handler.maxConcurrentPosts();
    }

    /** Sizes of the {@code data} arrays of POSTs to the sender paths whose body could be read, in arrival order. */
    public List<Integer> requestSizes() {
        return handler.requestSizes();
    }

    /** Senders created through the API (pre-registered ones not counted). */
    public int createdCount() {
        return registry.createdCount();
    }

    /** Forgets calls, faults and every sender except the pre-registered ones. */
    public void reset() {
        faults.reset();
        registry.forgetCreated();
        handler.forgetCalls();
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
