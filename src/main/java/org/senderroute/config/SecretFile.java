package org.senderroute.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A secret read from the file a property names (e.g. a mounted secret). A missing, unreadable or empty file stops
 * start-up; messages name the property and the file, never what it holds.
 */
final class SecretFile {

    private SecretFile() {
    }

    /** @param trim what of the content is not part of the secret (white space, a line break at its end) */
    static String read(String fileProperty, Path path, UnaryOperator<String> trim) {
        String content;
        try {
            content = trim.apply(Files.readString(path, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(fileProperty + ": the file " + path + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(fileProperty + ": the file " + path + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (content.isEmpty()) {
            throw new IllegalArgumentException(fileProperty + ": the file " + path + " is empty");
        }
        return content;
    }
}
