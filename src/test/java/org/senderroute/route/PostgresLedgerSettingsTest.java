package org.senderroute.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.EmbeddedPostgresServer;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pointing the ledger at PostgreSQL: {@code sender.ledger.store=jdbc} with a {@code jdbc:postgresql:} URL, the
 * password given or read from {@code sender.ledger.password-file}, and never written to a log line or a message.
 */
class PostgresLedgerSettingsTest extends SandboxRouteTest {

    private final EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.newDatabase();

    private Path secret(String name, String content) throws IOException {
        Path file = dir.resolve("secrets").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private Map<String, String> postgres() {
        Map<String, String> p = new HashMap<>();
        p.put("sender.ledger.store", "jdbc");
        p.put("sender.ledger.url", database.url());
        p.put("sender.ledger.username", database.username());
        return p;
    }

    @Test
    void aPasswordFileLogsInAndThePasswordIsNeverLogged() throws IOException {
        Map<String, String> p = postgres();
        p.put("sender.ledger.password-file", secret("ledger-password", database.password() + "\n").toString());
        List<String> lines = dropLogged(p, "pg", 3);

        assertThat(app.successRows("pg")).hasSize(3);
        assertThat(new JdbcSenderLedger(new LedgerDatabase(database.dataSource(), "the test's database"), 1)
                .all(sandbox.settings().sid())).hasSize(3)
                .allSatisfy((key, entry) -> assertThat(entry.state()).isEqualTo(LedgerEntry.CREATED));
        assertThat(lines).anyMatch(l -> l.contains("Ledger: database " + database.url()));
        assertThat(lines).noneMatch(l -> l.contains(database.password()));
    }

    @Test
    void aPasswordInTheUrlIsNotLoggedEither() {
        Map<String, String> p = postgres();
        p.put("sender.ledger.url", database.url() + "?password=" + database.password() + "&ApplicationName=sender-route");
        List<String> lines = dropLogged(p, "url", 2);
        assertThat(app.successRows("url")).hasSize(2);
        assertThat(lines).anyMatch(l -> l.contains("Ledger: database " + database.url()));
        assertThat(lines).noneMatch(l -> l.contains(database.password()));
    }

    @Test
    void theStorePostgresqlIsTheDatabaseStoreOnPostgresql() throws IOException {
        Map<String, String> p = postgres();
        p.put("sender.ledger.store", "postgresql");
        p.put("sender.ledger.password", database.password());
        List<String> lines = dropLogged(p, "named", 2);
        assertThat(app.successRows("named")).hasSize(2);
        assertThat(lines).anyMatch(l -> l.contains("Ledger: database " + database.url()));
    }

    @Test
    void theStorePostgresqlWithAnotherUrlRefusesToStartNamingTheProperty() throws IOException {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        Properties p = onceSettings();
        p.setProperty("sender.ledger.store", "postgresql");
        p.setProperty("sender.ledger.url", "jdbc:h2:mem:not-postgres");
        OnceRun run = OnceRun.of(p);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("sender.ledger.store=postgresql needs a jdbc:postgresql://HOST:PORT/DB URL",
                "SENDER_LEDGER_URL");
        assertThat(sandbox.postCalls()).isZero();
    }

    @Test
    void aWrongPasswordStopsTheStartNamingTheDatabaseNotThePassword() throws IOException {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        Properties p = onceSettings();
        p.setProperty("sender.ledger.password", "not-" + database.password());

        OnceRun run = OnceRun.of(p);
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("the ledger database " + database.url(), "password authentication failed")
                .doesNotContain("not-" + database.password());
        assertThat(sandbox.postCalls()).isZero();
    }

    @Test
    void bothAPasswordAndAPasswordFileRefuseToStartNamingTheProperties() throws IOException {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        Properties p = onceSettings();
        p.setProperty("sender.ledger.password", database.password());
        p.setProperty("sender.ledger.password-file", secret("both", database.password()).toString());

        OnceRun run = OnceRun.of(p);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("sender.ledger.password and sender.ledger.password-file are both set",
                "SENDER_LEDGER_PASSWORD_FILE", "set only one of them").doesNotContain(database.password());
        assertThat(sandbox.postCalls()).isZero();
    }

    @Test
    void aPasswordFileThatIsMissingEmptyOrOfTwoLinesRefusesToStart() throws IOException {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        Properties p = onceSettings();
        p.setProperty("sender.ledger.password-file", dir.resolve("secrets/absent").toString());
        OnceRun run = OnceRun.of(p);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("sender.ledger.password-file: the file", "absent does not exist");

        p.setProperty("sender.ledger.password-file", secret("empty", "\n").toString());
        run = OnceRun.of(p);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("sender.ledger.password-file: the file", "is empty");

        p.setProperty("sender.ledger.password-file", secret("two-lines", database.password() + "\nsecond-line\n").toString());
        run = OnceRun.of(p);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("must hold the password alone").doesNotContain(database.password())
                .doesNotContain("second-line");
        assertThat(sandbox.postCalls()).isZero();
    }

    /** The lines logged (at DEBUG for the module, Camel, the pool and the driver) while a file of senders is run. */
    private List<String> dropLogged(Map<String, String> settings, String name, int senders) {
        try (LogCapture log = LogCapture.start("org.senderroute", "org.apache.camel", "com.zaxxer", "org.postgresql")) {
            start(SandboxSettings.defaults(), settings);
            app.drop(name + ".csv", SenderFiles.csv(senders));
            app.awaitTaken(name + ".csv");
            app.stop();
            return log.lines();
        }
    }

    /** A --once run on the sandbox and this database, with a file waiting in the inbox. */
    private Properties onceSettings() throws IOException {
        Properties p = RouteHarness.defaults(dir, sandbox);
        postgres().forEach(p::setProperty);
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/a.csv"), SenderFiles.csv(2));
        p.setProperty("sender.inbox.min-age", "0");
        return p;
    }
}
