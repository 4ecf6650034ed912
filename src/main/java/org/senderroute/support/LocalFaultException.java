package org.senderroute.support;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A fault of this machine, not of Kaleyra nor of the input: a file of the work directory that cannot be written (a
 * full disk, a name too long for the file system). The file being processed fails; nothing is sent again for it.
 */
public final class LocalFaultException extends RuntimeException {

    /** "cannot write PATH: what the system said" */
    public LocalFaultException(Path path, IOException cause) {
        this("", path, cause);
    }

    /** "cannot write WHAT PATH: what the system said", {@code what} naming the kind of file ("scratch file "). */
    public LocalFaultException(String what, Path path, IOException cause) {
        super("cannot write " + what + path + ": " + reason(cause), cause);
    }

    /** What the operating system said, without repeating the path. */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
