package org.senderroute.observe;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.senderroute.domain.OutcomeCounter;

/**
 * The figures an operator asks about, as Micrometer meters in Camel's registry, exported by the management server
 * at /observe/metrics (names there get Prometheus' {@code _total} and {@code _seconds} suffixes):
 * records received, valid, invalid by rule, succeeded, failed by code; batches, resubmissions, retries; call
 * latency; files in progress; the time of the last success. Each carries the tag {@code instance}: the
 * {@link SenderInstance} that counted it.
 */
public final class SenderMetrics implements OutcomeCounter {

    /** The tag every meter of the module carries. */
    public static final String INSTANCE_TAG = "sender_instance";

    private final CamelContext context;
    private final Tags instance;
    private final AtomicInteger filesInProgress = new AtomicInteger();
    private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();
    private volatile MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Counter> invalidByRule = new ConcurrentHashMap<>();
    private final Map<String, Counter> failedByCode = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencyByOutcome = new ConcurrentHashMap<>();

    /** The meters of this process, tagged with its default {@link SenderInstance} name. */
    public SenderMetrics(CamelContext context) {
        this(context, SenderInstance.of(null));
    }

    /** The meters of the instance of this name. */
    public SenderMetrics(CamelContext context, String instance) {
        this.context = context;
        this.instance = Tags.of(INSTANCE_TAG, instance);
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            synchronized (this) {
                r = registry;
                if (r == null) {
                    r = context.getRegistry().findSingleByType(MeterRegistry.class);
                    if (r == null) {
                        r = new SimpleMeterRegistry();
                    }
                    Gauge.builder("sender.files.in.progress", filesInProgress, AtomicInteger::get)
                            .description("Files being processed now").tags(instance).register(r);
                    Gauge.builder("sender.last.success.timestamp", lastSuccessEpochSeconds, AtomicLong::get)
                            .description("Unix time (seconds) of the last record created by Kaleyra").tags(instance)
                            .register(r);
                    registry = r;
                }
            }
        }
        return r;
    }

    public void fileStarted() {
        registry();
        filesInProgress.incrementAndGet();
    }

    public void fileEnded() {
        filesInProgress.decrementAndGet();
    }

    public void received(int records) {
        counter("sender.records.received", "Records read from input files").increment(records);
    }

    public void valid(int records) {
        counter("sender.records.valid", "Records that passed validation").increment(records);
    }

    public void invalid(String rule) {
        Counter known = invalidByRule.get(rule);
        (known != null ? known : invalidByRule.computeIfAbsent(rule, k -> Counter.builder("sender.records.invalid")
                .description("Records refused before sending, by rule").tag("rule", k).tags(instance)
                .register(registry()))).increment();
    }

    @Override
    public void succeeded(int records) {
        counter("sender.records.succeeded", "Records written to the success output").increment(records);
        lastSuccessEpochSeconds.set(System.currentTimeMillis() / 1000);
    }

    @Override
    public void failed(String code) {
        Counter known = failedByCode.get(code);
        (known != null ? known : failedByCode.computeIfAbsent(code, k -> Counter.builder("sender.records.failed")
                .description("Records written to the failure output, by code").tag("code", k).tags(instance)
                .register(registry()))).increment();
    }

    public void batchSent() {
        counter("sender.batches.sent", "Batches handed to Kaleyra").increment();
    }

    public void resubmitted() {
        counter("sender.batches.resubmitted", "Requests sent again after MSG134 or RBC192").increment();
    }

    public void retried() {
        counter("sender.calls.retried", "Calls retried after 429, 5xx, a timeout or a dropped connection").increment();
    }

    public void call(Duration took, String outcome) {
        latencyByOutcome.computeIfAbsent(outcome, k -> Timer.builder("sender.api.latency")
                .description("Time of Create Sender ID calls, by outcome").tag("outcome", k).tags(instance)
                .publishPercentileHistogram().register(registry())).record(took);
    }

    /** The counter of that name (looked up first: this runs per record, and a capturing lambda would cost each time). */
    private Counter counter(String name, String description) {
        Counter known = counters.get(name);
        return known != null ? known
                : counters.computeIfAbsent(name, k -> Counter.builder(k).description(description).tags(instance)
                        .register(registry()));
    }
}
