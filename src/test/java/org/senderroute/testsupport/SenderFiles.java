package org.senderroute.testsupport;

/** Builds input files of generated, valid Indian sender requests. */
public final class SenderFiles {

    private SenderFiles() {
    }

    /** A 6-character sender unique for i (base 36, prefixed with letters). */
    public static String sender(int i) {
        String code = Integer.toString(i, 36).toUpperCase();
        return ("SX" + "0000".substring(Math.min(4, code.length())) + code).substring(0, 6);
    }

    /** The CSV of file number {@code file}: its senders are those of no other file number. */
    public static String csvOfFile(int file, int records) {
        StringBuilder s = new StringBuilder("sender,description,iso_code,entity_id\n");
        for (int i = 1; i <= records; i++) {
            int n = file * 1000 + i;
            s.append(sender(n)).append(",Generated sender ").append(n).append(",in,").append(100000000000L + n)
                    .append('\n');
        }
        return s.toString();
    }

    public static String csv(int records) {
        return csv(1, records);
    }

    /** The records of senders {@code first} to {@code first + records - 1}: files of distinct ranges share no sender. */
    public static String csv(int first, int records) {
        StringBuilder s = new StringBuilder("sender,description,iso_code,entity_id\n");
        for (int i = first; i < first + records; i++) {
            s.append(sender(i)).append(",Generated sender ").append(i).append(",in,").append(100000000000L + i).append('\n');
        }
        return s.toString();
    }
}
