package org.senderroute.kaleyra;

import java.util.List;

import org.senderroute.domain.Failure;
import org.senderroute.domain.FileRun;
import org.senderroute.domain.SenderRequest;

/** Writes the outcome rows of one batch's senders to the file's run, and counts them for the batch's line. */
final class BatchRows {

    private final FileRun run;
    private int succeeded;
    private int failed;

    BatchRows(FileRun run) {
        this.run = run;
    }

    void succeed(SenderRequest r, String id, String status, String code, String message) {
        run.succeeded(r, id, status, code, message);
        succeeded++;
    }

    void fail(SenderRequest r, Failure failure) {
        run.failed(r, failure);
        failed++;
    }

    void failAll(List<SenderRequest> senders, String code, String message) {
        Failure failure = new Failure(code, message);
        for (SenderRequest r : senders) {
            fail(r, failure);
        }
    }

    int succeeded() {
        return succeeded;
    }

    int failed() {
        return failed;
    }
}
