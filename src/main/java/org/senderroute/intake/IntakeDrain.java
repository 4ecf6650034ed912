package org.senderroute.intake;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For {@code --once}: each intake route reports here when a poll finds nothing left to take; once every
 * configured intake has done so and no file of the directory drop is in flight any more (its last files are
 * processed on other threads, {@link FilesInFlight}), the run is complete and the callback (stop the application)
 * runs once.
 */
public final class IntakeDrain {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeDrain.class);

    private final Set<String> expected;
    private final Set<String> drained = ConcurrentHashMap.newKeySet();
    private volatile Runnable onDrained;
    private volatile boolean done;
    private boolean fired;
    private boolean early;
    private final String outputs;

    /**
     * @param expected comma-separated names of the intakes that must all be drained
     * @param outputs  where the outputs go, said in the last line of a --once run
     */
    public IntakeDrain(String expected, String outputs) {
        this.outputs = outputs;
        this.expected = Arrays.stream(expected.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    private volatile Supplier<String> totals = () -> "";
    private volatile FilesInFlight filesInFlight = FilesInFlight.unbounded();

    /** The files of the directory drop in flight: the run is complete only once none is. */
    public void watch(FilesInFlight files) {
        this.filesInFlight = files;
        files.whenIdle(this::complete);
    }

    /** What the last line of a --once run sums up. */
    public void totals(Supplier<String> totals) {
        this.totals = totals;
    }

    public synchronized void onDrained(Runnable callback) {
        this.onDrained = callback;
        fireWhenReady();
    }

    public void drained(String intake) {
        if (drained.add(intake)) {
            LOG.info("Intake '{}' has no more files", intake);
        }
        complete();
    }

    /**
     * An intake has no more files, or the last file in flight is over: the run is complete once every intake has
     * reported it has no more files and no file is in flight.
     */
    private synchronized void complete() {
        if (!done && drained.containsAll(expected) && filesInFlight.idle()) {
            done = true;
            fireWhenReady();
        }
    }

    /**
     * Ends a --once run before every intake is drained (the files not taken stay in their drop): the callback runs
     * as when they are.
     */
    public synchronized void stopNow() {
        if (!done) {
            done = true;
            early = true;
            fireWhenReady();
        }
    }

    /** Runs the callback once, as soon as both the drain and the callback are there (in either order). */
    private void fireWhenReady() {
        if (done && onDrained != null && !fired) {
            fired = true;
            LOG.info("{}: stopping (--once). All files: {}. {}", early ? "Stopped before every file was taken"
                    : "Every intake is drained", totals.get(), outputs);
            new Thread(onDrained, "once-complete").start();
        }
    }

    public boolean isDrained() {
        return done;
    }
}
