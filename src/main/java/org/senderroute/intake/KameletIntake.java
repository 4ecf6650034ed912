package org.senderroute.intake;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.file.GenericFile;
import org.senderroute.domain.FileRun;
import org.senderroute.support.NameLength;

/**
 * The intake of the {@code kaleyra-sender-sink} Kamelet: another Camel integration sends a file, or a list of sender
 * records, and gets the summary back. A file (a {@link File}, a {@link Path}, what a file consumer took) is processed
 * where it is; a list is written as a JSON array, any other body (text, bytes, a stream) as it is, under the
 * Kamelet's {@code fileName}, in {@code sender.work-dir/kamelet}, removed once processed. The input is named
 * {@code kamelet/<account>/<name>} in the file ledger, so the same name and content sent again is recognised.
 */
public final class KameletIntake {

    static final String FOLDER_PROPERTY = "senderKameletFolder";
    /** The exchange property holding the Kamelet's {@code fileName}. */
    public static final String FILE_NAME_PROPERTY = "senderKameletFileName";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public KameletIntake(Path root) {
        this.root = root;
    }

    /** Turns the message into the pipeline's input, for the account in {@link FileRun#ACCOUNT_PROPERTY}. */
    public void toPipeline(Exchange exchange) throws IOException {
        String fileName = exchange.getProperty(FILE_NAME_PROPERTY, String.class);
        String account = exchange.getProperty(FileRun.ACCOUNT_PROPERTY, String.class);
        Message message = exchange.getMessage();
        Object body = message.getBody();
        File input;
        if (body instanceof GenericFile<?> taken && taken.getFile() instanceof File file) {
            input = file;
        } else if (body instanceof File file) {
            input = file;
        } else if (body instanceof Path path) {
            input = path.toFile();
        } else {
            Path folder = Files.createDirectories(root.resolve(UUID.randomUUID().toString()));
            exchange.setProperty(FOLDER_PROPERTY, folder.toString());
            String name = nameOf(fileName, body instanceof Collection<?> ? ".json" : null);
            Path target = folder.resolve(name);
            try (OutputStream out = Files.newOutputStream(target)) {
                if (body instanceof Collection<?> records) {
                    JSON.writeValue(out, records);
                } else {
                    try (InputStream in = message.getMandatoryBody(InputStream.class)) {
                        in.transferTo(out);
                    }
                }
            } catch (org.apache.camel.InvalidPayloadException e) {
                throw new IllegalArgumentException("kaleyra-sender-sink: the body must be a file, a list of sender "
                        + "records, text or bytes, was " + body.getClass().getName(), e);
            }
            input = target.toFile();
        }
        message.getHeaders().clear();
        message.setBody(input);
        message.setHeader(Exchange.FILE_NAME, "kamelet/" + account + "/" + input.getName());
        message.setHeader(Exchange.FILE_NAME_ONLY, input.getName());
        message.setHeader(Exchange.FILE_LENGTH, input.length());
    }

    /** The file is processed and its outputs delivered: the answer is its summary (JSON); the copy made is removed. */
    public String summary(Exchange exchange) throws IOException {
        FileRun run = exchange.getProperty(FileRun.PROPERTY, FileRun.class);
        String folder = exchange.getProperty(FOLDER_PROPERTY, String.class);
        if (folder != null) {
            try (var files = Files.list(Path.of(folder))) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(Path.of(folder));
        }
        if (run.isDuplicate()) {
            ObjectNode note = JSON.createObjectNode();
            note.put("file", run.inputName());
            note.put("duplicate", true);
            note.put("message", run.duplicateNote());
            return note.toString();
        }
        return run.summaryJson();
    }

    /** The Kamelet's file name (its last segment), or, for a list without one, {@code records.json}. */
    static String nameOf(String fileName, String listExtension) {
        String name = fileName == null ? "" : fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).strip();
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        if (name.isEmpty()) {
            name = "records.json";
        }
        if (listExtension != null && !name.toLowerCase(Locale.ROOT).endsWith(listExtension)) {
            name = name + listExtension;
        }
        return NameLength.fit(name, 200);
    }
}
