package org.senderroute.intake;

import java.io.Closeable;
import java.util.Iterator;

import org.senderroute.domain.SenderRequest;

/**
 * A stream of the records of one input file, read lazily: only the current record is held in memory.
 * A record that cannot be read is returned with a parse problem; a file that cannot be read at all
 * makes {@link #hasNext()} throw {@link UnreadableFileException}.
 */
public interface RecordReader extends Iterator<SenderRequest>, Closeable {

    /** A short name of the format, for logs: csv, json, jsonl. */
    String format();
}
