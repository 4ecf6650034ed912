package org.senderroute.support;

import java.util.regex.Pattern;

/**
 * Cells of the output CSVs that a spreadsheet would run as a formula (OWASP's CSV injection advice): a value that
 * starts with {@code = + - @}, a tab or a carriage return is written behind a single quote, which a spreadsheet
 * shows as text. A plain number ({@code -0}, {@code +91}, {@code -1.5E3}) is no formula and is written as it is. So
 * that a failure file dropped again is read back to what the partner wrote, a value that already starts with quotes
 * before one of those characters gets one more quote too, and reading takes exactly one off.
 */
public final class FormulaGuard {

    private static final char QUOTE = '\'';

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private FormulaGuard() {
    }

    /** The value as it is written in an output cell. */
    public static String guard(String value) {
        return needsGuard(value) ? QUOTE + value : value;
    }

    /** The value a guarded cell of an output stands for (any other value as it is). */
    public static String unguard(String value) {
        return value != null && value.length() > 1 && value.charAt(0) == QUOTE && needsGuard(value.substring(1))
                ? value.substring(1) : value;
    }

    /** Quotes (none or more), then a character that starts a formula. */
    private static boolean needsGuard(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        int i = 0;
        char c = value.charAt(0);
        while (c == QUOTE) {
            if (++i == value.length()) {
                return false;
            }
            c = value.charAt(i);
        }
        return c == '=' || c == '@' || c == '\t' || c == '\r'
                || (c == '+' || c == '-') && !NUMBER.matcher(value).region(i, value.length()).matches();
    }
}
