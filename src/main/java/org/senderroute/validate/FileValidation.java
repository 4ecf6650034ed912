package org.senderroute.validate;

import java.nio.file.Path;

import org.senderroute.domain.Failure;
import org.senderroute.domain.SenderRequest;

/** Validation of the records of one file: the record rules, then "the same sender and iso_code again". */
public final class FileValidation implements AutoCloseable {

    private final SenderValidator validator;
    private final SeenSenders seen;
    private final SenderValidator.Matchers matchers = new SenderValidator.Matchers();

    FileValidation(SenderValidator validator, Path scratchDir) {
        this.validator = validator;
        this.seen = new SeenSenders(scratchDir);
    }

    /** The file is read. */
    @Override
    public void close() {
        seen.close();
    }

    /** @return null when the record may be sent, otherwise why not */
    public Failure check(SenderRequest r) {
        Failure failure = validator.check(r, matchers);
        if (failure != null) {
            return failure;
        }
        if (!seen.add(r.sender(), r.isoCode())) {
            return new Failure(Failure.DUPLICATE_IN_FILE, "sender " + r.sender() + " for iso_code " + r.isoCode()
                    + " appears earlier in this file; only the first is sent");
        }
        return null;
    }
}
