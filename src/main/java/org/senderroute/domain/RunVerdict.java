package org.senderroute.domain;

import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.senderroute.support.LocalFaultException;

/**
 * What the process as a whole must report when it ends (the exit code of a {@code --once} run): 0 when every
 * record reached one of the two outputs in the normal way, otherwise the first fatal condition met.
 */
public final class RunVerdict {

    public static final int OK = 0;
    public static final int INVALID_CONFIGURATION = 1;
    public static final int CREDENTIALS_REFUSED = 2;
    public static final int API_UNAVAILABLE = 3;
    public static final int FAILED = 4;
    public static final int LEDGER_UNAVAILABLE = 5;

    private final AtomicReference<Integer> code = new AtomicReference<>(OK);
    private final AtomicReference<String> reason = new AtomicReference<>("");

    public void credentialsRefused(String why) {
        record(CREDENTIALS_REFUSED, "Kaleyra refused the credentials: " + why);
    }

    public void apiUnavailable(String why) {
        record(API_UNAVAILABLE, "Kaleyra stayed unavailable after retries: " + why);
    }

    /**
     * A file's processing failed on a local fault (a full disk) or an error nobody planned for: no further call is made
     * for the file, it goes to the inbox's .error folder and the rows already staged stay in the work directory.
     */
    public void fileFailed(@ExchangeProperty(FileRun.PROPERTY) FileRun run, @Header("CamelFileName") String name,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable e) {
        if (run != null) {
            run.abandon(e);
        }
        String file = run != null ? run.inputName() : name;
        String staged = run != null ? " (rows already settled are kept in " + run.successFile().getParent() + ")" : "";
        failed("processing of " + file + " failed: " + describe(e) + staged);
    }

    /** A local fault says what could not be written and why; an Error is named; anything else as it is. */
    static String describe(Throwable e) {
        Throwable error = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof LocalFaultException) {
                return t.getMessage();
            }
            if (error == null && t instanceof Error) {
                error = t;
            }
        }
        return String.valueOf(error != null ? error : e);
    }

    /** The ledger's database could not be reached: the files in hand were left in their drop. */
    public void ledgerUnavailable(String why) {
        record(LEDGER_UNAVAILABLE, why + " (files not finished stay in their drop)");
    }

    public void failed(String why) {
        record(FAILED, why);
    }

    private void record(int exitCode, String why) {
        if (code.compareAndSet(OK, exitCode)) {
            reason.set(why);
        }
    }

    public int exitCode() {
        return code.get();
    }

    public String reason() {
        return reason.get();
    }
}
