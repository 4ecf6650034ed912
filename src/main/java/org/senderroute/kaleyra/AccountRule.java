package org.senderroute.kaleyra;

import java.util.Locale;

/**
 * How the account of a file is read from where the file was dropped ({@code sender.accounts.rule}). The path is the
 * file's path relative to the drop, with {@code /} between folders: {@code acme_senders.csv}, {@code acme/senders.csv}.
 */
public enum AccountRule {

    /** Every file goes to the default account. */
    NONE,

    /** {@code acme_senders.csv} or {@code acme-senders.csv}: the account is the part of the name before the first _ or -. */
    PREFIX,

    /** {@code <drop>/acme/senders.csv}: the account is the folder the file sits in; files in the drop itself name none. */
    FOLDER;

    public static final String PROPERTY = "sender.accounts.rule";

    public static AccountRule parse(String value) {
        String v = value == null ? "none" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "none" -> NONE;
            case "prefix" -> PREFIX;
            case "folder" -> FOLDER;
            default -> throw new IllegalArgumentException(PROPERTY + " must be none, prefix or folder, was '" + value + "'");
        };
    }

    /** The account name the file asks for, in lower case, or null when it names none. */
    public String requested(String relativePath) {
        String asked = asked(relativePath);
        return asked == null ? null : asked.toLowerCase(Locale.ROOT);
    }

    /** How the file asks for its account, for messages: "the file-name prefix 'acme_'", "the folder 'acme'". */
    public String describeRequest(String relativePath) {
        String asked = asked(relativePath);
        return switch (this) {
            case PREFIX -> asked == null ? "its name (no account prefix)"
                    : "the file-name prefix '" + fileName(relativePath).substring(0, asked.length() + 1) + "'";
            case FOLDER -> asked == null ? "its place (directly in the drop, in no account folder)"
                    : "the folder '" + asked + "'";
            case NONE -> "the configuration (sender.accounts.rule=none)";
        };
    }

    /** The account name as it is written in the file's path, or null. */
    private String asked(String relativePath) {
        String path = normalised(relativePath);
        return switch (this) {
            case PREFIX -> {
                String name = fileName(path);
                int end = firstSeparator(name);
                yield end > 0 ? name.substring(0, end) : null;
            }
            case FOLDER -> {
                int slash = path.indexOf('/');
                yield slash > 0 ? path.substring(0, slash) : null;
            }
            case NONE -> null;
        };
    }

    private static String normalised(String relativePath) {
        String path = relativePath == null ? "" : relativePath.replace('\\', '/');
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return path;
    }

    private static String fileName(String relativePath) {
        String path = normalised(relativePath);
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static int firstSeparator(String name) {
        int underscore = name.indexOf('_');
        int dash = name.indexOf('-');
        if (underscore < 0) {
            return dash;
        }
        return dash < 0 ? underscore : Math.min(underscore, dash);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
