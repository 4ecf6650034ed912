package org.senderroute.dryrun;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What processing one file would do, as a dry run found it: its records valid and invalid by code, its senders the
 * ledger already knows, and the calls that would be made, each with its senders and the size of its body. Holds
 * counts and codes only, never a record's values.
 */
public final class FileForecast {

    /** At most this many calls are listed one by one in {@link #lines()}. */
    private static final int CALLS_LISTED = 5;

    private final String name;
    private String account = "";
    private String format = "";
    private long records;
    private long valid;
    private final Map<String, Long> invalidByCode = new TreeMap<>();
    private long registeredEarlier;
    private long pendingEarlier;
    private long rejectedEarlier;
    private final List<Call> calls = new ArrayList<>();
    private String unreadable;

    /** One call the run would make: its senders and the bytes of its JSON body. */
    public record Call(int senders, long bytes) {
    }

    FileForecast(String name) {
        this.name = name;
    }

    void account(String account) {
        this.account = account;
    }

    void format(String format) {
        this.format = format;
    }

    void countValid() {
        records++;
        valid++;
    }

    void countInvalid(String code) {
        records++;
        invalidByCode.merge(code, 1L, Long::sum);
    }

    void countRegisteredEarlier() {
        registeredEarlier++;
    }

    void countPendingEarlier() {
        pendingEarlier++;
    }

    void countRejectedEarlier() {
        rejectedEarlier++;
    }

    void addCall(int senders, long bytes) {
        calls.add(new Call(senders, bytes));
    }

    /** The file, or its rest from a record on, cannot be read: why (position and kind of problem, never content). */
    void unreadable(String why) {
        this.unreadable = why;
    }

    public String name() {
        return name;
    }

    public long records() {
        return records;
    }

    public long valid() {
        return valid;
    }

    public long invalid() {
        return records - valid;
    }

    public Map<String, Long> invalidByCode() {
        return Map.copyOf(invalidByCode);
    }

    public long registeredEarlier() {
        return registeredEarlier;
    }

    public long pendingEarlier() {
        return pendingEarlier;
    }

    public long rejectedEarlier() {
        return rejectedEarlier;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public String unreadable() {
        return unreadable;
    }

    /** The forecast as lines a person reads: the file, its records, what the ledger knows, the calls. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        StringBuilder first = new StringBuilder(name).append(" [").append(format.isEmpty() ? "?" : format);
        if (!account.isEmpty()) {
            first.append(", account ").append(account);
        }
        first.append("]: ").append(records).append(" records, ").append(valid).append(" valid, ").append(invalid())
                .append(" invalid");
        if (!invalidByCode.isEmpty()) {
            first.append(" (").append(codes(invalidByCode)).append(')');
        }
        lines.add(first.toString());
        if (unreadable != null) {
            lines.add("  FILE_UNREADABLE: " + unreadable);
        }
        if (registeredEarlier + pendingEarlier + rejectedEarlier == 0) {
            lines.add(valid > 0 ? "  in the ledger: none of its valid senders" : "");
        } else {
            lines.add("  in the ledger: " + registeredEarlier + " registered earlier (success rows, not sent again), "
                    + pendingEarlier + " pending from a call whose outcome is unknown, " + rejectedEarlier
                    + " rejected earlier (both sent again)");
        }
        lines.removeIf(String::isEmpty);
        lines.add("  would send " + describe(calls));
        return lines;
    }

    /** The line over every file of a dry run: files, records, valid, invalid by code, registered earlier, calls. */
    public static String total(List<FileForecast> files) {
        long records = 0;
        long valid = 0;
        long registered = 0;
        long senders = 0;
        long bytes = 0;
        int calls = 0;
        Map<String, Long> invalid = new TreeMap<>();
        for (FileForecast file : files) {
            records += file.records;
            valid += file.valid;
            registered += file.registeredEarlier;
            file.invalidByCode.forEach((code, count) -> invalid.merge(code, count, Long::sum));
            for (Call call : file.calls) {
                calls++;
                senders += call.senders();
                bytes += call.bytes();
            }
        }
        return "All files: " + files.size() + (files.size() == 1 ? " file, " : " files, ") + records + " records, " + valid
                + " valid, " + (records - valid) + " invalid" + (invalid.isEmpty() ? "" : " (" + codes(invalid) + ")") + ", "
                + registered + " registered earlier; would send " + calls + (calls == 1 ? " call" : " calls")
                + (calls == 0 ? "" : " (" + senders + " senders, " + size(bytes) + ")");
    }

    /** "no call", or "2 calls: 5000 senders (598.1 KB), 12 senders (1.5 KB)" (the first few, then how many more). */
    static String describe(List<Call> calls) {
        if (calls.isEmpty()) {
            return "no call";
        }
        StringBuilder text = new StringBuilder().append(calls.size()).append(calls.size() == 1 ? " call: " : " calls: ");
        for (int i = 0; i < Math.min(calls.size(), CALLS_LISTED); i++) {
            Call call = calls.get(i);
            text.append(i == 0 ? "" : ", ").append(call.senders()).append(call.senders() == 1 ? " sender (" : " senders (")
                    .append(size(call.bytes())).append(')');
        }
        if (calls.size() > CALLS_LISTED) {
            text.append(" and ").append(calls.size() - CALLS_LISTED).append(" more");
        }
        return text.toString();
    }

    static String codes(Map<String, Long> byCode) {
        StringBuilder text = new StringBuilder();
        byCode.forEach((code, count) -> text.append(text.isEmpty() ? "" : ", ").append(code).append('=').append(count));
        return text.toString();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        return String.format(java.util.Locale.ROOT, bytes < 1024 * 1024 ? "%.1f KB" : "%.1f MB",
                bytes < 1024 * 1024 ? bytes / 1024.0 : bytes / (1024.0 * 1024.0));
    }
}
