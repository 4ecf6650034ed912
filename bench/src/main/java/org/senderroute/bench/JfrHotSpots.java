package org.senderroute.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording (made with {@code settings=profile}) as text: where the CPU samples are (own time of
 * the top frame, time including callees, by library, by thread), which product code the samples and the
 * allocations come from, and the GC totals.
 *
 * <pre>
 *   JfrHotSpots &lt;recording.jfr&gt; [top=25] [productPrefix=org.senderroute.]
 * </pre>
 */
public final class JfrHotSpots {

    private JfrHotSpots() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrHotSpots <recording.jfr> [top=25] [productPrefix=org.senderroute.]");
            System.exit(64);
        }
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        String product = args.length > 2 ? args[2] : "org.senderroute.";

        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> library = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> productFrame = new HashMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        Map<String, Long> allocByProductFrame = new HashMap<>();
        Map<String, Map<String, Long>> callers = new HashMap<>();
        Map<String, Long> retained = new HashMap<>();
        long oldSamples = 0;
        Map<String, long[]> blocking = new HashMap<>();
        Map<String, Long> nativeFrames = new HashMap<>();
        long nativeSamples = 0;
        long samples = 0;
        long allocTotal = 0;
        long gcCount = 0;
        Duration gcPause = Duration.ZERO;
        Duration longestPause = Duration.ZERO;
        long maxHeapUsed = 0;

        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace stack = e.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    List<RecordedFrame> frames = stack.getFrames();
                    String topMethod = method(frames.get(0));
                    self.merge(topMethod, 1L, Long::sum);
                    callers.computeIfAbsent(topMethod, k -> new HashMap<>()).merge(callerPath(frames, product), 1L, Long::sum);
                    library.merge(library(frames.get(0)), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame f : frames) {
                        String m = method(f);
                        if (seen.add(m)) {
                            inclusive.merge(m, 1L, Long::sum);
                        }
                    }
                    productFrame.merge(firstProductFrame(frames, product), 1L, Long::sum);
                    RecordedThread t = e.getThread("sampledThread");
                    threads.merge(threadGroupName(t), 1L, Long::sum);
                }
                case "jdk.NativeMethodSample" -> {
                    RecordedStackTrace stack = e.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    nativeSamples++;
                    List<RecordedFrame> frames = stack.getFrames();
                    nativeFrames.merge(shortMethod(frames.get(0)) + "  [" + firstProductFrame(frames, product) + "]", 1L, Long::sum);
                }
                case "jdk.ObjectAllocationSample" -> {
                    long weight = e.getLong("weight");
                    allocTotal += weight;
                    String cls = e.getClass("objectClass") == null ? "?" : e.getClass("objectClass").getName();
                    allocByClass.merge(cls, weight, Long::sum);
                    RecordedStackTrace stack = e.getStackTrace();
                    String where = stack == null ? "(no stack)" : firstProductFrame(stack.getFrames(), product);
                    allocByProductFrame.merge(where, weight, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcCount++;
                    Duration pause = e.getDuration("sumOfPauses");
                    gcPause = gcPause.plus(pause);
                    if (pause.compareTo(longestPause) > 0) {
                        longestPause = pause;
                    }
                }
                case "jdk.SocketRead", "jdk.SocketWrite", "jdk.FileRead", "jdk.FileWrite", "jdk.JavaMonitorWait",
                        "jdk.ThreadPark", "jdk.ThreadSleep" -> {
                    String key = type.substring(4) + " on " + threadGroupName(e.getThread());
                    long[] sum = blocking.computeIfAbsent(key, k -> new long[2]);
                    sum[0]++;
                    sum[1] += e.getDuration().toNanos();
                }
                case "jdk.GCHeapSummary" -> maxHeapUsed = Math.max(maxHeapUsed, e.getLong("heapUsed"));
                case "jdk.OldObjectSample" -> {
                    oldSamples++;
                    retained.merge(referenceChain(e), 1L, Long::sum);
                }
                default -> { }
            }
        }

        System.out.printf(Locale.ROOT, "%s: %d CPU samples (jdk.ExecutionSample, Java code only)%n%n", file, samples);
        print("Own time: top frame", self, samples, top);
        System.out.println("Where the top " + Math.min(10, top) + " own-time methods are called from (3 frames up, and the innermost product frame)");
        self.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(Math.min(10, top))
                .forEach(en -> {
                    System.out.println("  " + en.getKey());
                    callers.get(en.getKey()).entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                            .limit(2)
                            .forEach(c -> System.out.printf(Locale.ROOT, "      %5d  %s%n", c.getValue(), c.getKey()));
                });
        System.out.println();
        Map<String, Long> productInclusive = new HashMap<>();
        inclusive.forEach((m, n) -> {
            if (m.startsWith(product)) {
                productInclusive.put(m, n);
            }
        });
        print("Time including callees, product methods only", productInclusive, samples, top);
        print("Time including callees", inclusive, samples, top);
        print("By library of the top frame", library, samples, top);
        print("Samples by the innermost product (" + product + "*) frame on the stack", productFrame, samples, top);
        print("By thread", threads, samples, top);
        print("Threads in native code (jdk.NativeMethodSample: I/O, waiting on sockets), by native frame and innermost product frame",
                nativeFrames, nativeSamples, top);
        System.out.printf(Locale.ROOT, "Allocation (jdk.ObjectAllocationSample, estimated): %.1f MB in all%n",
                allocTotal / 1e6);
        printBytes("Allocated, by class", allocByClass, allocTotal, top);
        printBytes("Allocated, by the innermost product frame", allocByProductFrame, allocTotal, top);
        if (!blocking.isEmpty()) {
            System.out.println("Blocked time (events over the recording's threshold, 10-20 ms with settings=profile)");
            blocking.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                    .limit(top)
                    .forEach(en -> System.out.printf(Locale.ROOT, "  %9.1f s  %6d events  %s%n", en.getValue()[1] / 1e9,
                            en.getValue()[0], en.getKey()));
            System.out.println();
        }
        if (oldSamples > 0) {
            System.out.println("Live old objects sampled (jdk.OldObjectSample; reference chains need path-to-gc-roots=true), "
                    + "by chain from the object towards its GC root");
            long sampled = oldSamples;
            retained.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(5)
                    .forEach(en -> System.out.printf(Locale.ROOT, "  %5d of %d  %s%n", en.getValue(), sampled, en.getKey()));
            System.out.println();
        }
        System.out.printf(Locale.ROOT, "GC: %d collections, %d ms paused in all, longest pause %d ms, max heap used %.1f MB%n",
                gcCount, gcPause.toMillis(), longestPause.toMillis(), maxHeapUsed / 1e6);
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String callerPath(List<RecordedFrame> frames, String product) {
        StringBuilder path = new StringBuilder();
        for (int i = 1; i < Math.min(4, frames.size()); i++) {
            path.append(i > 1 ? " <- " : "<- ").append(shortMethod(frames.get(i)));
        }
        return path.append("  [").append(firstProductFrame(frames, product)).append(']').toString();
    }

    private static String shortMethod(RecordedFrame f) {
        String cls = f.getMethod().getType().getName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    /** "Type <- field Holder <- field Holder ..." from the sampled object towards the GC root. */
    private static String referenceChain(RecordedEvent e) {
        StringBuilder chain = new StringBuilder();
        RecordedObject object = e.getValue("object");
        int hops = 0;
        while (object != null && hops < 24) {
            RecordedClass type = object.getValue("type");
            String name = type == null ? "?" : type.getName();
            chain.append(name.substring(name.lastIndexOf('.') + 1));
            RecordedObject reference = object.hasField("referrer") ? object.getValue("referrer") : null;
            if (reference == null) {
                break;
            }
            RecordedObject field = reference.hasField("field") ? reference.getValue("field") : null;
            RecordedObject array = reference.hasField("array") ? reference.getValue("array") : null;
            if (field != null && field.hasField("name")) {
                chain.append(" <-.").append(field.getString("name")).append(' ');
            } else if (array != null) {
                chain.append(" <-[] ");
            } else {
                chain.append(" <- ");
            }
            object = reference.hasField("object") ? reference.getValue("object") : null;
            hops++;
        }
        RecordedObject root = e.hasField("root") ? e.getValue("root") : null;
        if (root != null && root.hasField("description")) {
            chain.append("  (root: ").append(root.getString("system")).append(' ').append(root.getString("type")).append(')');
        }
        return chain.toString();
    }

    private static String firstProductFrame(List<RecordedFrame> frames, String product) {
        for (RecordedFrame f : frames) {
            if (f.getMethod().getType().getName().startsWith(product)) {
                return method(f);
            }
        }
        return "(no product frame)";
    }

    private static String library(RecordedFrame f) {
        String cls = f.getMethod().getType().getName();
        String[] known = {"org.senderroute.", "org.apache.camel.", "com.fasterxml.jackson.", "org.apache.hc.",
            "org.apache.logging.", "java.util.regex.", "java.util.", "java.lang.", "java.io.", "java.nio.",
            "sun.nio.", "java.net.", "sun.net.", "jdk.internal.", "sun."};
        for (String k : known) {
            if (cls.startsWith(k)) {
                return k + "*";
            }
        }
        int dot = cls.lastIndexOf('.');
        return dot < 0 ? cls : cls.substring(0, dot) + ".*";
    }

    private static String threadGroupName(RecordedThread t) {
        if (t == null) {
            return "?";
        }
        String name = t.getJavaName() == null ? t.getOSName() : t.getJavaName();
        return name.replaceAll("#\\d+", "#n").replaceAll("-\\d+$", "-n");
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.println(title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %6.1f%%  %7d  %s%n", 100.0 * en.getValue() / Math.max(1, total),
                        en.getValue(), en.getKey()));
        System.out.println();
    }

    private static void printBytes(String title, Map<String, Long> bytes, long total, int top) {
        System.out.println(title);
        bytes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %6.1f%%  %9.1f MB  %s%n", 100.0 * en.getValue() / Math.max(1, total),
                        en.getValue() / 1e6, en.getKey()));
        System.out.println();
    }
}
