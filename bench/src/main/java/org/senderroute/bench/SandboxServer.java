package org.senderroute.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;

/**
 * The module's Kaleyra sandbox ({@link KaleyraSandbox}) in a JVM of its own, so that its CPU time and memory are
 * not counted in the process being measured (it still shares the machine's cores with it).
 *
 * <pre>
 *   SandboxServer [port=0] [latencyMs=0] [capacity=5000]
 * </pre>
 *
 * Prints {@code SANDBOX_URL http://127.0.0.1:<port>} once it listens, then serves until the process is stopped
 * (SIGTERM). On the way out it prints {@code SANDBOX_STATS} (POSTs received, senders created) and, when a latency
 * is set, the number of calls seen in flight at once (sampled every 5 ms: handler threads sleeping out the
 * latency), which shows how many calls the client kept open concurrently. The sandbox keeps every sender it
 * creates in memory: start a fresh one for each measured run.
 */
public final class SandboxServer {

    private SandboxServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        long latencyMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int capacity = args.length > 2 ? Integer.parseInt(args[2]) : SandboxSettings.DEFAULT_CAPACITY;
        SandboxSettings settings = SandboxSettings.defaults()
                .withPort(port)
                .withLatency(Duration.ofMillis(latencyMs))
                .withCapacity(capacity);
        KaleyraSandbox sandbox = new KaleyraSandbox(settings).start();
        InFlight inFlight = latencyMs > 0 ? InFlight.start() : null;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            String sizes = sandbox.requestSizes().stream().mapToInt(Integer::intValue).summaryStatistics().toString();
            System.out.println("SANDBOX_STATS posts=" + sandbox.postCalls() + " created=" + sandbox.createdCount()
                    + " requestSizes=" + sizes);
            if (inFlight != null) {
                System.out.println("SANDBOX_INFLIGHT " + inFlight.report());
            }
            System.out.flush();
            sandbox.stop();
            stopped.countDown();
        }, "sandbox-stop"));
        System.out.println("SANDBOX_URL " + sandbox.baseUrl());
        System.out.println("SANDBOX_SID " + settings.sid());
        System.out.flush();
        stopped.await();
    }

    /** Samples how many sandbox handler threads are sleeping out the configured latency, i.e. calls in flight. */
    private static final class InFlight implements Runnable {
        private static final long PERIOD_MS = 5;

        private final AtomicLong samples = new AtomicLong();
        private final AtomicLong busySamples = new AtomicLong();
        private final AtomicLong busySum = new AtomicLong();
        private final AtomicLong max = new AtomicLong();

        static InFlight start() {
            InFlight sampler = new InFlight();
            Thread thread = new Thread(sampler, "sandbox-inflight-sampler");
            thread.setDaemon(true);
            thread.start();
            return sampler;
        }

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                int busy = 0;
                for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                    if (e.getKey().getName().startsWith("kaleyra-sandbox-") && sleepingOutLatency(e.getValue())) {
                        busy++;
                    }
                }
                samples.incrementAndGet();
                if (busy > 0) {
                    busySamples.incrementAndGet();
                    busySum.addAndGet(busy);
                    max.accumulateAndGet(busy, Math::max);
                }
                try {
                    Thread.sleep(PERIOD_MS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }

        private static boolean sleepingOutLatency(StackTraceElement[] stack) {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().startsWith(KaleyraSandbox.class.getPackageName() + ".")
                        && frame.getMethodName().equals("pause")) {
                    return true;
                }
            }
            return false;
        }

        String report() {
            long busy = busySamples.get();
            double mean = busy == 0 ? 0 : (double) busySum.get() / busy;
            return String.format("max=%d meanWhileBusy=%.2f busySamples=%d samples=%d", max.get(), mean, busy, samples.get());
        }
    }
}
