package org.senderroute.deliver;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.senderroute.intake.SenderRequest;
import org.senderroute.ledger.FileLedger;
import org.senderroute.validate.Failure;

/**
 * Everything that happens to one input file: where its success and failure rows are staged, and the counts for
 * its summary line. Shared by the batches of the file (which may be answered on several threads), so every
 * method that records an outcome is synchronized.
 */
public final class FileRun {

    /** The exchange property that carries the run through the routes. */
    public static final String PROPERTY = "senderFileRun";

    static final String[] SUCCESS_COLUMNS = {"record", "sender", "description", "iso_code", "entity_id", "kaleyra_id",
        "status", "code", "message"};
    static final String[] FAILURE_COLUMNS = {"record", "sender", "description", "iso_code", "entity_id", "error_code",
        "error_message"};

    private final FileLedger.Visit visit;
    private final String inputName;
    private final String baseName;
    private final String outputStem;
    private final long startNanos = System.nanoTime();
    private final OutcomeFile success;
    private final OutcomeFile failure;
    private final Map<String, Long> failedByCode = new TreeMap<>();
    private String format = "?";
    private long calls;
    private long batches;
    private String unreadable;
    private volatile String apiUnavailable;
    private volatile boolean interrupted;

    FileRun(String inputName, String baseName, String outputStem, Path stagingDir, FileLedger.Visit visit) {
        this.visit = visit;
        this.inputName = inputName;
        this.baseName = baseName;
        this.outputStem = outputStem;
        this.success = new OutcomeFile(stagingDir.resolve(outputStem + ".success.csv"), SUCCESS_COLUMNS);
        this.failure = new OutcomeFile(stagingDir.resolve(outputStem + ".failure.csv"), FAILURE_COLUMNS);
    }

    public String inputName() {
        return inputName;
    }

    /** What the file ledger said when the file was taken; null when the input was not a local file. */
    public FileLedger.Visit visit() {
        return visit;
    }

    /** The same name and content were processed before: the file is not processed again. */
    public boolean isDuplicate() {
        return visit != null && visit.alreadyDone();
    }

    public String duplicateNote() {
        return inputName + " has the same name and content as a file processed on " + visit.doneAt()
                + ": not processed again (" + visit.summary() + ")";
    }

    public String baseName() {
        return baseName;
    }

    public void format(String format) {
        this.format = format;
    }

    public synchronized void succeeded(SenderRequest r, String kaleyraId, String status, String code, String message) {
        success.write(Long.toString(r.record()), r.sender(), r.description(), r.isoCode(), r.entityId(), kaleyraId, status,
                code, message);
    }

    public synchronized void failed(SenderRequest r, Failure why) {
        failure.write(Long.toString(r.record()), r.sender(), r.description(), r.isoCode(), r.entityId(), why.code(),
                why.message());
        failedByCode.merge(why.code(), 1L, Long::sum);
    }

    /** The file cannot be read from record {@code atRecord} on (or at all when it is 1). */
    public synchronized void markUnreadable(long atRecord, String reason) {
        this.unreadable = reason;
        String message = (atRecord <= 1 ? "the file could not be read: " : "records from " + atRecord
                + " on were not read: ") + reason;
        failure.write(Long.toString(atRecord), null, null, null, null, Failure.FILE_UNREADABLE, message);
    }

    /** An earlier batch gave up on an unavailable API: the rest of the file is not sent. */
    public void apiUnavailable(String why) {
        if (apiUnavailable == null) {
            apiUnavailable = why;
        }
    }

    public String apiUnavailable() {
        return apiUnavailable;
    }

    /** The application is stopping: no further batch of this file is started. */
    public void interrupt() {
        interrupted = true;
    }

    public boolean isInterrupted() {
        return interrupted;
    }

    public synchronized void callMade() {
        calls++;
    }

    public synchronized void batchDone() {
        batches++;
    }

    public synchronized boolean isUnreadable() {
        return unreadable != null;
    }

    public synchronized long succeededCount() {
        return success.count();
    }

    /** Failure rows for records (the FILE_UNREADABLE line, which is no record, is not counted). */
    public synchronized long failedCount() {
        return failedByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    public synchronized long records() {
        return succeededCount() + failedCount();
    }

    public synchronized long calls() {
        return calls;
    }

    public boolean hasSuccessFile() {
        return success.count() > 0;
    }

    public boolean hasFailureFile() {
        return failure.count() > 0;
    }

    public Path successFile() {
        return success.path();
    }

    public Path failureFile() {
        return failure.path();
    }

    public String successName() {
        return outputStem + ".success.csv";
    }

    public String failureName() {
        return outputStem + ".failure.csv";
    }

    /** Flushes and closes the staged outputs; called once every batch has been answered. */
    public synchronized void finish() {
        success.close();
        failure.close();
    }

    /** Removes the staged outputs once they have been delivered. */
    public void discardStaging() {
        success.delete();
        failure.delete();
    }

    public synchronized String summary() {
        String byCode = failedByCode.isEmpty() ? "" : failedByCode.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", " (", ")"));
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        return String.format("%s [%s]: %d records, %d succeeded, %d failed%s, %d batches, %d calls, %.1f s%s",
                inputName, format, records(), succeededCount(), failedCount(), byCode, batches, calls, millis / 1000.0,
                unreadable == null ? "" : "; FILE UNREADABLE: " + unreadable);
    }
}
