package org.senderroute.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a file taken from a local drop is, looked at without following a link: only a regular file with content
 * is read. A symbolic link is refused whatever it points to (its target, which may be anywhere, is never read nor
 * quoted), and so is an empty file.
 */
public final class LocalInput {

    private LocalInput() {
    }

    /** Why the file is refused before anything is read from it, or null when it may be read. */
    public static String refusal(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return "the file is gone or cannot be looked at (" + e.getClass().getSimpleName() + ")";
        }
        if (attributes.isSymbolicLink()) {
            return "the file is a symbolic link: links are not followed, nothing was read from its target"
                    + " (put the file itself in the drop)";
        }
        if (!attributes.isRegularFile()) {
            return "not a regular file: nothing was read from it";
        }
        if (attributes.size() == 0) {
            return "empty file (0 bytes)";
        }
        return null;
    }
}
