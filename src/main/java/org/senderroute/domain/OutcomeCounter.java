package org.senderroute.domain;

/** Where a {@link FileRun} counts each record it writes to an output, across files (the module's meters). */
public interface OutcomeCounter {

    /** Records written to the success output. */
    void succeeded(int records);

    /** A record written to the failure output, with its code. */
    void failed(String code);
}
