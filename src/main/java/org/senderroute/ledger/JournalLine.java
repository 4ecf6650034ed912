package org.senderroute.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of the ledger journal: a kind letter and tab-separated fields, free text escaped so that a line is one
 * line ({@code \\}, {@code \t}, {@code \n}, {@code \r}), then its {@link LineChecksum} (version 2 on). The kinds:
 * <pre>
 * P  call  account  millis  file  key  key ...      a call is about to be sent with these senders
 * S  call                                           that call is settled
 * C  account  key  millis  file  kaleyra-id  how    Kaleyra created the sender
 * R  account  key  millis  file  reason             Kaleyra rejected the sender
 * F  file  sha256  output-stem  millis              a file is taken
 * D  file  sha256  millis  summary                  its outputs are delivered
 * </pre>
 * A key is {@code SENDER|iso}.
 */
public record JournalLine(char kind, List<String> fields) {

    static final char PENDING = 'P';
    static final char SETTLED = 'S';
    static final char CREATED = 'C';
    static final char REJECTED = 'R';
    static final char FILE_TAKEN = 'F';
    static final char FILE_DONE = 'D';

    static void escape(StringBuilder to, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> to.append("\\\\");
                case '\t' -> to.append("\\t");
                case '\n' -> to.append("\\n");
                case '\r' -> to.append("\\r");
                default -> to.append(c);
            }
        }
    }

    /**
     * The line's kind and fields (its text without the checksum), or null when it is not a line of the journal (a
     * comment, or damaged: an unknown kind, fields missing, a number that is none).
     */
    static JournalLine parse(String text) {
        if (text.length() < 2 || text.charAt(1) != '\t') {
            return null;
        }
        char kind = text.charAt(0);
        int wanted = switch (kind) {
            case PENDING -> 4;
            case SETTLED -> 1;
            case CREATED -> 6;
            case REJECTED -> 5;
            case FILE_TAKEN -> 4;
            case FILE_DONE -> 4;
            default -> -1;
        };
        if (wanted < 0) {
            return null;
        }
        List<String> fields = new ArrayList<>(wanted + 1);
        int from = 2;
        while (true) {
            int tab = text.indexOf('\t', from);
            fields.add(unescape(text, from, tab < 0 ? text.length() : tab));
            if (tab < 0) {
                break;
            }
            from = tab + 1;
        }
        return fields.size() < wanted || !numbersRead(kind, fields) ? null : new JournalLine(kind, fields);
    }

    /** Whether the fields that hold numbers (call ids, times) do: a line where one does not is damaged. */
    private static boolean numbersRead(char kind, List<String> fields) {
        return switch (kind) {
            case PENDING -> isNumber(fields.get(0)) && isNumber(fields.get(2));
            case SETTLED -> isNumber(fields.get(0));
            case FILE_TAKEN -> isNumber(fields.get(3));
            default -> isNumber(fields.get(2));
        };
    }

    /** Digits only, few enough for a long. */
    private static boolean isNumber(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String unescape(String text, int from, int to) {
        int slash = text.indexOf('\\', from);
        if (slash < 0 || slash >= to) {
            return text.substring(from, to);
        }
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < to) {
                char next = text.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    String field(int i) {
        return fields.get(i);
    }

    long call() {
        return Long.parseLong(fields.get(0));
    }

    /** For C and R lines: the account and the key the line is about. */
    boolean isAbout(String account, String key) {
        return fields.get(0).equals(account) && fields.get(1).equals(key);
    }

    /** For C and R lines: what the ledger holds for the sender. */
    LedgerEntry entry() {
        Instant at = Instant.ofEpochMilli(Long.parseLong(fields.get(2)));
        return kind == CREATED
                ? new LedgerEntry(LedgerEntry.CREATED, fields.get(4), fields.get(5), fields.get(3), at)
                : new LedgerEntry(LedgerEntry.REJECTED, "", fields.get(4), fields.get(3), at);
    }

    /** For P lines: the senders' keys. */
    List<String> pendingKeys() {
        return fields.subList(4, fields.size()).stream().filter(k -> !k.isEmpty()).toList();
    }
}
