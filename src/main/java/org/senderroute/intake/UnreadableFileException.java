package org.senderroute.intake;

/** The input file cannot be read as any supported format (from the start, or from some point on). */
public class UnreadableFileException extends RuntimeException {

    public UnreadableFileException(String message) {
        super(message);
    }

    public UnreadableFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
