package org.senderroute.deliver;

/** The processing of a file was abandoned while its batches were settled; the cause says why. */
public final class FileAbandonedException extends RuntimeException {

    FileAbandonedException(String inputName, Throwable cause) {
        super("the processing of " + inputName + " was abandoned: "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
    }
}
