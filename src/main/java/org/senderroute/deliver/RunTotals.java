package org.senderroute.deliver;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.senderroute.domain.FileRun;

/**
 * Totals over every file processed since the start, for the final summary of a --once run. A file refused whole (not
 * a record read) is not counted as processed: it is counted apart.
 */
public final class RunTotals {

    private long files;
    private long refused;
    private long records;
    private long succeeded;
    private final Map<String, Long> failedByCode = new TreeMap<>();

    synchronized void add(FileRun run) {
        if (run.isRefused()) {
            refused++;
            return;
        }
        files++;
        records += run.records();
        succeeded += run.succeededCount();
        run.failedByCode().forEach((code, n) -> failedByCode.merge(code, n, Long::sum));
    }

    @Override
    public synchronized String toString() {
        long failed = failedByCode.values().stream().mapToLong(Long::longValue).sum();
        String byCode = failedByCode.isEmpty() ? "" : failedByCode.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", " (", ")"));
        return files + " files, " + records + " records, " + succeeded + " succeeded, " + failed + " failed" + byCode
                + (refused == 0 ? "" : ", " + refused + " files refused (FILE_UNREADABLE)");
    }
}
