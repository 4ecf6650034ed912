package org.senderroute.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a deterministic CSV input file of Sender ID requests for the benchmark.
 *
 * <pre>
 *   GenerateSenders &lt;records&gt; &lt;out.csv&gt; [invalidPercent=10]
 * </pre>
 *
 * Header {@code sender,description,iso_code,entity_id}; every record is for India ({@code iso_code} {@code in}).
 * Valid records carry distinct 6-character senders (base 36 of a bijective scramble of the record number, so a
 * million and more never repeat), a description (one in seven holds a comma, so it is quoted) and a 12-digit
 * entity_id. Exactly {@code floor(records * invalidPercent / 100)} records are invalid, spread evenly (at 10%,
 * every tenth record), each breaking one rule in turn: a 7-character sender, a missing entity_id, an iso_code
 * that is not an ISO 3166-1 alpha-2 code. The same arguments always give the same bytes.
 */
public final class GenerateSenders {

    private static final long SENDER_SPACE = 36L * 36 * 36 * 36 * 36 * 36;
    /** Odd and not a multiple of 3, hence coprime with 36^6: i -> i * STEP + OFFSET mod 36^6 is a bijection. */
    private static final long STEP = 1_000_003L;
    private static final long OFFSET = 17_654_321L;
    private static final char[] DIGITS36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final String[] BAD_ISO = {"zz", "ind"};

    private GenerateSenders() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: GenerateSenders <records> <out.csv> [invalidPercent=10]");
            System.exit(64);
        }
        long records = Long.parseLong(args[0]);
        Path out = Path.of(args[1]);
        int invalidPercent = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        if (records < 0 || records > SENDER_SPACE) {
            throw new IllegalArgumentException("records must be between 0 and " + SENDER_SPACE);
        }
        if (invalidPercent < 0 || invalidPercent > 100) {
            throw new IllegalArgumentException("invalidPercent must be between 0 and 100");
        }
        long invalid = write(records, invalidPercent, out);
        System.out.println("generated " + records + " records (" + (records - invalid) + " valid, " + invalid
                + " invalid) in " + out);
    }

    /** Writes the file (through a temporary name, then renamed) and returns the number of invalid records. */
    static long write(long records, int invalidPercent, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve(out.getFileName() + ".partial");
        long invalid = 0;
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(partial, StandardCharsets.UTF_8), 1 << 16)) {
            w.write("sender,description,iso_code,entity_id\n");
            StringBuilder line = new StringBuilder(96);
            for (long i = 0; i < records; i++) {
                line.setLength(0);
                String sender = sender(i);
                String description = description(i);
                String iso = "in";
                String entity = entityId(i);
                if (isInvalid(i, invalidPercent)) {
                    switch ((int) (invalid % 3)) {
                        case 0 -> sender = sender + DIGITS36[(int) (i % 36)];
                        case 1 -> entity = "";
                        default -> iso = BAD_ISO[(int) ((invalid / 3) % BAD_ISO.length)];
                    }
                    invalid++;
                }
                line.append(sender).append(',');
                if (description.indexOf(',') >= 0) {
                    line.append('"').append(description).append('"');
                } else {
                    line.append(description);
                }
                line.append(',').append(iso).append(',').append(entity).append('\n');
                w.append(line);
            }
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return invalid;
    }

    /** Record {@code i} (0-based) is invalid when the running quota floor(n * p / 100) steps up at it. */
    static boolean isInvalid(long i, int percent) {
        return (i + 1) * percent / 100 > i * percent / 100;
    }

    static String sender(long i) {
        long code = Math.floorMod(i * STEP + OFFSET, SENDER_SPACE);
        char[] chars = new char[6];
        for (int k = 5; k >= 0; k--) {
            chars[k] = DIGITS36[(int) (code % 36)];
            code /= 36;
        }
        return new String(chars);
    }

    static String description(long i) {
        return switch ((int) (i % 7)) {
            case 0 -> "OTPs, alerts and notices for account " + i;
            case 1, 4 -> "Transactional alerts for partner account " + i;
            case 2, 5 -> "Service messages for customer " + i;
            default -> "Promotions of partner " + i;
        };
    }

    /** 12 digits, never starting with 0. */
    static String entityId(long i) {
        long tail = Math.floorMod(i * 7_919L + 4_242L, 100_000_000_000L);
        String digits = Long.toString(tail);
        StringBuilder s = new StringBuilder(12).append('1');
        for (int k = digits.length(); k < 11; k++) {
            s.append('0');
        }
        return s.append(digits).toString();
    }
}
