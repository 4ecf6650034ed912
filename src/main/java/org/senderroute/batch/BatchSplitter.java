package org.senderroute.batch;

import java.io.Closeable;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.InvalidPayloadException;
import org.senderroute.domain.Failure;
import org.senderroute.domain.FileRun;
import org.senderroute.domain.SenderRequest;
import org.senderroute.intake.RecordReader;
import org.senderroute.intake.RecordReaders;
import org.senderroute.intake.UnreadableFileException;
import org.senderroute.observe.SenderMetrics;
import org.senderroute.support.LocalFaultException;
import org.senderroute.validate.FileValidation;
import org.senderroute.validate.SenderValidator;

/**
 * Splitter expression for one file: reads its records as a stream, validates each, and aggregates the valid ones
 * into batches of at most {@code batchSize}. A batch is complete when it holds {@code batchSize} valid records,
 * when {@code batchSize} invalid ones have been met, or when the file ends; the last, partial batch is therefore
 * released as soon as the file ends, on the caller's thread, with no timer. The Splitter pulls one batch at a
 * time, so memory is bounded by the batch size whatever the size of the file.
 */
public final class BatchSplitter {

    private final SenderValidator validator;
    private final int batchSize;
    private final SenderMetrics metrics;

    public BatchSplitter(SenderValidator validator, int batchSize, SenderMetrics metrics) {
        this.metrics = metrics;
        this.validator = validator;
        this.batchSize = batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * The batches of the file in the message body; a file that cannot be read is recorded on the run, not thrown. A
     * file refused when its run was opened is not even opened (it may be a link, or a FIFO behind one).
     */
    public Iterator<SenderBatch> batches(Exchange exchange, @ExchangeProperty(FileRun.PROPERTY) FileRun run,
            @Header("CamelFileLength") Long size, CamelContext context) {
        if (run.isUnreadable()) {
            return Collections.emptyIterator();
        }
        RecordReader reader;
        try {
            File file = exchange.getMessage().getBody(File.class);
            CountingTap tap = new CountingTap();
            reader = file != null
                    ? RecordReaders.open(run.inputName(), file.toPath(), tap)
                    : RecordReaders.open(run.inputName(), tap.apply(exchange.getMessage().getMandatoryBody(InputStream.class)));
            run.trackProgress(size == null ? -1 : size, tap::count);
        } catch (UnreadableFileException | IOException | InvalidPayloadException e) {
            run.markUnreadable(1, e.getMessage());
            return Collections.emptyIterator();
        }
        run.format(reader.format());
        return new Batches(reader, validator.forFile(), run, context);
    }

    private final class Batches implements Iterator<SenderBatch>, Closeable {
        private final RecordReader reader;
        private final FileValidation validation;
        private final FileRun run;
        private final CamelContext context;
        private SenderBatch next;
        private int number;
        private long lastRecord;
        private boolean ended;

        Batches(RecordReader reader, FileValidation validation, FileRun run, CamelContext context) {
            this.context = context;
            this.reader = reader;
            this.validation = validation;
            this.run = run;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !ended && (context.isStopping() || context.isStopped())) {
                run.interrupt();
                end();
            }
            if (next == null && !ended && run.abandoned() != null) {
                end();
            }
            if (next == null && !ended) {
                next = collect();
            }
            return next != null;
        }

        @Override
        public SenderBatch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            SenderBatch batch = next;
            next = null;
            return batch;
        }

        private SenderBatch collect() {
            List<SenderRequest> valid = new ArrayList<>(Math.min(batchSize, 1024));
            List<Rejected> rejected = new ArrayList<>();
            try {
                while (valid.size() < batchSize && rejected.size() < batchSize && reader.hasNext()) {
                    SenderRequest request = reader.next();
                    lastRecord = request.record();
                    Failure failure = validation.check(request);
                    if (failure == null) {
                        valid.add(request);
                    } else {
                        rejected.add(new Rejected(request, failure));
                    }
                }
                if (valid.size() < batchSize && rejected.size() < batchSize) {
                    end();
                }
            } catch (UnreadableFileException e) {
                run.markUnreadable(lastRecord + 1, e.getMessage());
                end();
            } catch (LocalFaultException e) {
                // this machine's fault (a full disk), not the file's: the file fails, saying so
                run.abandon(e);
                end();
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                run.markUnreadable(lastRecord + 1, e.getClass().getSimpleName() + ": " + e.getMessage());
                end();
            } catch (Throwable e) {
                // nothing may escape: thrown here it would be lost in the splitter's thread pool and the file never end
                run.abandon(e);
                end();
            }
            if (valid.isEmpty() && rejected.isEmpty() || run.abandoned() != null) {
                return null;
            }
            metrics.received(valid.size() + rejected.size());
            metrics.valid(valid.size());
            return new SenderBatch(++number, valid, rejected);
        }

        private void end() {
            ended = true;
            close();
        }

        @Override
        public void close() {
            validation.close();
            try {
                reader.close();
            } catch (IOException e) {
                // the records were read; a failure to close the source loses nothing
            }
        }
    }

    /** Wraps the stream the records are read from, to count the bytes read for the progress line. */
    private static final class CountingTap implements UnaryOperator<InputStream> {
        private CountingInputStream counted;

        @Override
        public InputStream apply(InputStream in) {
            counted = new CountingInputStream(in);
            return counted;
        }

        long count() {
            return counted == null ? -1 : counted.count();
        }
    }

    /** Counts the bytes read from the input, for the progress line. */
    private static final class CountingInputStream extends FilterInputStream {
        private volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
