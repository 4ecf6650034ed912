package org.senderroute.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.testsupport.EmbeddedPostgresServer;
import org.senderroute.testsupport.RouteHarness;

/**
 * Instances of the routes sharing one PostgreSQL ledger and one sandbox, each in a folder of its own under the test's
 * directory, polling quickly; closed together (the instances first, then the sandbox).
 */
final class SharedLedgerInstances implements AutoCloseable {

    private final Path dir;
    private final EmbeddedPostgresServer.Database database;
    private final KaleyraSandbox sandbox;
    private final List<RouteHarness> started = new ArrayList<>();

    /** @param sandbox started; closed with the instances */
    SharedLedgerInstances(Path dir, KaleyraSandbox sandbox) {
        this.dir = dir;
        this.sandbox = sandbox;
        this.database = EmbeddedPostgresServer.newDatabase();
    }

    EmbeddedPostgresServer.Database database() {
        return database;
    }

    KaleyraSandbox sandbox() {
        return sandbox;
    }

    /** Starts the instance of that name (also its {@code sender.instance-id}) with these settings besides the shared ones. */
    RouteHarness start(String name, String flushEvery, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(PostgresLedgerTest.postgres(database, flushEvery));
        settings.put("sender.instance-id", name);
        settings.put("sender.inbox.poll-delay", "20");
        settings.put("sender.inbox.min-age", "0");
        settings.putAll(more);
        RouteHarness app = RouteHarness.start(dir.resolve(name), sandbox, settings);
        started.add(app);
        return app;
    }

    List<RouteHarness> all() {
        return started;
    }

    @Override
    public void close() {
        started.forEach(RouteHarness::close);
        sandbox.close();
    }
}
