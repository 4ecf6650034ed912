package org.senderroute.testsupport;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;

/**
 * Base of the route tests: a temporary directory, the sandbox as Kaleyra and the application started on them by
 * {@link #start(SandboxSettings, Map)}; both are stopped after each test.
 */
public abstract class SandboxRouteTest {

    @TempDir
    protected Path dir;
    protected KaleyraSandbox sandbox;
    protected RouteHarness app;

    protected void start(SandboxSettings settings, Map<String, String> overrides) {
        sandbox = new KaleyraSandbox(settings).start();
        app = RouteHarness.start(dir, sandbox, overrides);
    }

    @AfterEach
    void stopApplicationAndSandbox() {
        if (app != null) {
            app.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
