package org.senderroute.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.senderroute.SenderRouteApplication;

/** A {@code --once} run of the application in this JVM, as the Main class does it: its exit code and what it wrote to standard error. */
public record OnceRun(int exitCode, String stderr) {

    public static OnceRun of(Properties overrides) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = SenderRouteApplication.run(new String[] {"--once"}, overrides);
            return new OnceRun(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}
