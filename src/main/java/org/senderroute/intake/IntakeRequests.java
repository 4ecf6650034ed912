package org.senderroute.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The requests of the HTTP intake, kept on disk under {@code sender.work-dir/http}, one folder a request, named by
 * its id: the SHA-256 of the account and its {@code Idempotency-Key}. The folder is made atomically, so of two
 * requests under the same key exactly one is processed; it keeps the body's SHA-256 (a key sent again with another
 * body is refused), the body itself until processed, the first answer given (sent again for the same key), the
 * state, the summary and the outcome rows. It survives restarts: a key sent again after one gets the same answer,
 * and a request a stop interrupted is processed again.
 */
public final class IntakeRequests {

    /** Where a request stands. */
    public enum State { ACCEPTED, DONE, FAILED }

    /** What a request under a key finds: new, the same body as before, or another one. */
    public enum Arrival { NEW, REPEATED, CONFLICT }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORD = "request.json";

    private final Path root;

    public IntakeRequests(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The request's id: the same account and key always give the same id; nothing of the key can be read from it. */
    public static String idOf(String account, String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((account + "\n" + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A place for a body being received, before it is known to be a new request's. */
    public Path incoming() throws IOException {
        Path dir = Files.createDirectories(root.resolve(".incoming"));
        return Files.createTempFile(dir, "body-", ".part");
    }

    /**
     * Records a request whose body is in {@code received}: a new one keeps it as its input and its record is written
     * (state ACCEPTED, with its first answer); otherwise the body received is dropped.
     */
    public Arrival arrive(String id, String account, String fileName, String sha256, Path received, int status,
            String answer) throws IOException {
        Path folder = root.resolve(id);
        try {
            Files.createDirectories(root);
            Files.createDirectory(folder);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(received);
            ObjectNode known = waitForRecord(folder);
            return known.path("sha256").asText().equals(sha256) ? Arrival.REPEATED : Arrival.CONFLICT;
        }
        Path input = folder.resolve("input").resolve(fileName);
        Files.createDirectories(input.getParent());
        Files.move(received, input, StandardCopyOption.REPLACE_EXISTING);
        ObjectNode record = JSON.createObjectNode();
        record.put("id", id);
        record.put("account", account);
        record.put("file", fileName);
        record.put("sha256", sha256);
        record.put("received_at", Instant.now().toString());
        record.put("state", State.ACCEPTED.name());
        record.put("answer_status", status);
        record.put("answer", answer);
        write(folder, record);
        return Arrival.NEW;
    }

    /** The record of a request, if there is one (its id is made of hex digits only). */
    public Optional<ObjectNode> find(String id) {
        if (id == null || !id.matches("[0-9a-f]{32}")) {
            return Optional.empty();
        }
        Path file = root.resolve(id).resolve(RECORD);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(read(file));
    }

    /** The input file of a request not yet done. */
    public Path input(ObjectNode record) {
        return root.resolve(record.path("id").asText()).resolve("input").resolve(record.path("file").asText());
    }

    /** The folder that keeps the request's outcome rows (success.csv, failure.csv). */
    public Path outputs(String id) {
        return root.resolve(id).resolve("outputs");
    }

    /** The request is over: its summary (or why it failed) is recorded, its input removed. */
    public synchronized ObjectNode settle(String id, State state, String summaryJson, String error) throws IOException {
        ObjectNode record = find(id).orElseThrow(() -> new IllegalStateException("no request " + id));
        record.put("state", state.name());
        record.put("settled_at", Instant.now().toString());
        if (summaryJson != null) {
            record.set("summary", JSON.readTree(summaryJson));
        }
        if (error != null) {
            record.put("error", error);
        }
        write(root.resolve(id), record);
        Files.deleteIfExists(input(record));
        return record;
    }

    /** Replaces the answer sent again for the key (a waiting request answered with its summary). */
    public synchronized void answered(String id, int status, String answer) throws IOException {
        ObjectNode record = find(id).orElseThrow(() -> new IllegalStateException("no request " + id));
        record.put("answer_status", status);
        record.put("answer", answer);
        write(root.resolve(id), record);
    }

    /** Requests accepted and not settled: a stop interrupted them, or they are under way. */
    public List<ObjectNode> unsettled() {
        List<ObjectNode> open = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return open;
        }
        try (Stream<Path> folders = Files.list(root)) {
            folders.map(f -> f.getFileName().toString()).map(this::find).flatMap(Optional::stream)
                    .filter(r -> State.ACCEPTED.name().equals(r.path("state").asText())).forEach(open::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open;
    }

    /** A request made at the same moment under the same key: its record is written right after its folder. */
    private static ObjectNode waitForRecord(Path folder) throws IOException {
        Path file = folder.resolve(RECORD);
        for (int i = 0; i < 200 && !Files.exists(file); i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!Files.exists(file)) {
            throw new IOException("the request under this key has no record in " + folder);
        }
        return read(file);
    }

    private static ObjectNode read(Path file) {
        try {
            return (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path folder, ObjectNode record) throws IOException {
        Path part = folder.resolve(RECORD + ".part");
        Files.write(part, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        try {
            Files.move(part, folder.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, folder.resolve(RECORD), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
