package org.senderroute.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.RegisteredSender;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.RouteHarness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where an api-key can come from (the property, a file, a property function) and that it is never written to a log
 * line, even at DEBUG and through a refused key and a retried call.
 */
class SecretsTest {

    static final String DEFAULT_SID = "DEFAULTSID01";
    static final String DEFAULT_KEY = "dflt-3c7e91a0b5d24f68";
    static final String ACME_SID = "ACMESID0001";
    static final String ACME_KEY = "acme-9d41f0c6e2a7b853";
    static final String GLOBEX_SID = "GLOBEXSID01";
    static final String GLOBEX_KEY = "glbx-51be8a03d9c7e246";
    static final String GLOBEX_WRONG_KEY = "glbx-wrong-0a6f2d94c1e8";
    static final String ACME_KEY_PROPERTY = "senderroute.test.acme-api-key";

    @TempDir
    Path dir;
    final List<KaleyraSandbox> sandboxes = new ArrayList<>();
    RouteHarness app;
    String stderr;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        sandboxes.forEach(KaleyraSandbox::close);
        System.clearProperty(ACME_KEY_PROPERTY);
    }

    private KaleyraSandbox sandbox(String sid, String key) {
        KaleyraSandbox box = new KaleyraSandbox(SandboxSettings.defaults().withSid(sid).withApiKey(key).withPreRegistered(List.of()))
                .start();
        sandboxes.add(box);
        return box;
    }

    private Path keyFile(String name, String content) throws IOException {
        Path file = dir.resolve("secrets").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private void drop(String name, String content) throws IOException {
        Path staging = dir.resolve("staging-" + name);
        Files.writeString(staging, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(staging, FileTime.from(Instant.now().minusSeconds(60)));
        Files.createDirectories(app.inbox());
        Files.move(staging, app.inbox().resolve(name));
    }

    private void awaitArchived(String... names) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (String name : names) {
                if (!Files.exists(app.inbox().resolve(".done").resolve(name))
                        && !Files.exists(app.inbox().resolve(".error").resolve(name))) {
                    return false;
                }
            }
            return true;
        });
    }

    private int runOnce(Properties overrides) {
        OnceRun run = OnceRun.of(overrides);
        stderr = run.stderr();
        return run.exitCode();
    }

    private Properties onceSettings(KaleyraSandbox box) throws IOException {
        Properties p = RouteHarness.defaults(dir, box);
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/a.csv"), AccountsTest.csv("AA", 2));
        p.setProperty("sender.inbox.min-age", "0");
        return p;
    }

    static List<String> held(KaleyraSandbox box) {
        return box.registered().stream().map(RegisteredSender::sender).toList();
    }

    @Test
    void theApiKeyIsReadFromTheFileKaleyraApiKeyFileNames() throws IOException {
        KaleyraSandbox box = sandbox(DEFAULT_SID, DEFAULT_KEY);
        Path file = keyFile("kaleyra-api-key", "  " + DEFAULT_KEY + "\n");
        app = RouteHarness.start(dir, box, Map.of("kaleyra.api-key", "", "kaleyra.api-key-file", file.toString()));
        drop("from-file.csv", AccountsTest.csv("FF", 3));
        awaitArchived("from-file.csv");

        assertThat(held(box)).containsExactlyInAnyOrderElementsOf(AccountsTest.senders("FF", 3));
        app.assertEveryRecordOnce("from-file", 3);
    }

    @Test
    void anAccountsKeyComesFromItsOwnFileOrFromAPropertyFunction() throws IOException {
        KaleyraSandbox defaultBox = sandbox(DEFAULT_SID, DEFAULT_KEY);
        KaleyraSandbox acmeBox = sandbox(ACME_SID, ACME_KEY);
        KaleyraSandbox globexBox = sandbox(GLOBEX_SID, GLOBEX_KEY);
        System.setProperty(ACME_KEY_PROPERTY, ACME_KEY);
        Map<String, String> p = new HashMap<>();
        p.put("sender.accounts.rule", "prefix");
        p.put("kaleyra.accounts", "acme,globex");
        p.put("kaleyra.account.acme.sid", ACME_SID);
        p.put("kaleyra.account.acme.api-key", "{{sys:" + ACME_KEY_PROPERTY + "}}");
        p.put("kaleyra.account.acme.base-url", acmeBox.baseUrl());
        p.put("kaleyra.account.globex.sid", GLOBEX_SID);
        p.put("kaleyra.account.globex.api-key-file", keyFile("globex", GLOBEX_KEY + "\n").toString());
        p.put("kaleyra.account.globex.base-url", globexBox.baseUrl());
        app = RouteHarness.start(dir, defaultBox, p);
        drop("acme_a.csv", AccountsTest.csv("AC", 2));
        drop("globex_a.csv", AccountsTest.csv("GX", 2));
        awaitArchived("acme_a.csv", "globex_a.csv");

        assertThat(held(acmeBox)).containsExactlyInAnyOrderElementsOf(AccountsTest.senders("AC", 2));
        assertThat(held(globexBox)).containsExactlyInAnyOrderElementsOf(AccountsTest.senders("GX", 2));
        assertThat(defaultBox.postCalls()).isZero();
    }

    @Test
    void bothAKeyAndAKeyFileRefuseToStartNamingTheProperties() throws IOException {
        KaleyraSandbox box = sandbox(DEFAULT_SID, DEFAULT_KEY);
        Properties p = onceSettings(box);
        p.setProperty("kaleyra.api-key-file", keyFile("key", DEFAULT_KEY).toString());

        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("kaleyra.api-key and kaleyra.api-key-file are both set", "KALEYRA_API_KEY_FILE",
                "set only one of them").doesNotContain(DEFAULT_KEY);
        assertThat(box.postCalls()).isZero();
        assertThat(dir.resolve("inbox/a.csv")).exists();
    }

    @Test
    void anAccountWithBothAKeyAndAKeyFileRefusesToStartToo() throws IOException {
        KaleyraSandbox box = sandbox(DEFAULT_SID, DEFAULT_KEY);
        Properties p = onceSettings(box);
        p.setProperty("kaleyra.accounts", "acme");
        p.setProperty("kaleyra.account.acme.sid", ACME_SID);
        p.setProperty("kaleyra.account.acme.api-key", ACME_KEY);
        p.setProperty("kaleyra.account.acme.api-key-file", keyFile("acme", ACME_KEY).toString());

        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("kaleyra.account.acme.api-key and kaleyra.account.acme.api-key-file are both set",
                "KALEYRA_ACCOUNT_ACME_API_KEY").doesNotContain(ACME_KEY);
    }

    @Test
    void aKeyFileThatIsMissingEmptyOrNotASingleKeyRefusesToStart() throws IOException {
        KaleyraSandbox box = sandbox(DEFAULT_SID, DEFAULT_KEY);
        Properties p = onceSettings(box);
        p.setProperty("kaleyra.api-key", "");
        p.setProperty("kaleyra.api-key-file", dir.resolve("secrets/absent").toString());
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("kaleyra.api-key-file: the file", "absent does not exist");

        p.setProperty("kaleyra.api-key-file", keyFile("empty", " \n").toString());
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("kaleyra.api-key-file: the file", "is empty");

        p.setProperty("kaleyra.api-key-file", keyFile("two-lines", DEFAULT_KEY + "\nsecond-line\n").toString());
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("must hold the key alone").doesNotContain(DEFAULT_KEY).doesNotContain("second-line");
        assertThat(box.postCalls()).isZero();
    }

    @Test
    void aListedAccountWithoutCredentialsRefusesToStartNamingThePropertyAndItsVariable() throws IOException {
        KaleyraSandbox box = sandbox(DEFAULT_SID, DEFAULT_KEY);
        Properties p = onceSettings(box);
        p.setProperty("kaleyra.accounts", "acme");
        p.setProperty("kaleyra.account.acme.api-key", ACME_KEY);
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("kaleyra.account.acme.sid is not set", "KALEYRA_ACCOUNT_ACME_SID");

        p.setProperty("kaleyra.account.acme.sid", ACME_SID);
        p.remove("kaleyra.account.acme.api-key");
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("kaleyra.account.acme.api-key is not set", "KALEYRA_ACCOUNT_ACME_API_KEY",
                "kaleyra.account.acme.api-key-file");

        p.setProperty("kaleyra.accounts", "Acme");
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("kaleyra.accounts: 'Acme' is not a valid account name");
    }

    /**
     * A whole run at DEBUG (org.senderroute and org.apache.camel), start-up summary and shutdown included, with keys
     * from a property, a file and a property function, a call answered 503 and retried, a key refused with 401, and a
     * file naming an unknown account: no captured line holds any of the keys.
     */
    @Test
    void noApiKeyAppearsInAnyLogLine() throws IOException {
        KaleyraSandbox defaultBox = sandbox(DEFAULT_SID, DEFAULT_KEY);
        KaleyraSandbox acmeBox = sandbox(ACME_SID, ACME_KEY);
        KaleyraSandbox globexBox = sandbox(GLOBEX_SID, GLOBEX_KEY);
        defaultBox.faults().failNext(1, 503, "{\"code\":\"RBC500\",\"message\":\"Service unavailable\"}", null);
        System.setProperty(ACME_KEY_PROPERTY, ACME_KEY);
        Map<String, String> p = new HashMap<>();
        p.put("kaleyra.api-key", "");
        p.put("kaleyra.api-key-file", keyFile("default", DEFAULT_KEY + "\n").toString());
        p.put("sender.accounts.rule", "prefix");
        p.put("kaleyra.accounts", "acme,globex");
        p.put("kaleyra.account.acme.sid", ACME_SID);
        p.put("kaleyra.account.acme.api-key", "{{sys:" + ACME_KEY_PROPERTY + "}}");
        p.put("kaleyra.account.acme.base-url", acmeBox.baseUrl());
        p.put("kaleyra.account.globex.sid", GLOBEX_SID);
        p.put("kaleyra.account.globex.api-key", GLOBEX_WRONG_KEY);
        p.put("kaleyra.account.globex.base-url", globexBox.baseUrl());

        List<String> lines;
        try (LogCapture log = LogCapture.start("org.senderroute", "org.apache.camel", "org.apache.hc")) {
            app = RouteHarness.start(dir, defaultBox, p);
            drop("retried.csv", AccountsTest.csv("RT", 3));
            drop("acme_ok.csv", AccountsTest.csv("AC", 2));
            drop("globex_refused.csv", AccountsTest.csv("GX", 2));
            drop("nobody_unknown.csv", AccountsTest.csv("NB", 2));
            awaitArchived("retried.csv", "acme_ok.csv", "globex_refused.csv", "nobody_unknown.csv");
            app.close();
            lines = log.lines();
        }

        // what happened was logged, at DEBUG too
        assertThat(lines).anyMatch(l -> l.startsWith("DEBUG org.apache.camel"));
        assertThat(lines).anyMatch(l -> l.startsWith("DEBUG org.senderroute"));
        assertThat(lines).anyMatch(l -> l.contains("Property-placeholders summary"));
        assertThat(lines).anyMatch(l -> l.contains("kaleyra.account.acme.api-key = xxxxxx"));
        assertThat(lines).anyMatch(l -> l.contains("kaleyra.account.globex.api-key = xxxxxx"));
        assertThat(lines).anyMatch(l -> l.contains("retried.csv") && l.contains("503") && l.contains("retrying"));
        assertThat(lines).anyMatch(l -> l.contains("globex_refused.csv") && l.contains("AUTH_REFUSED"));
        assertThat(lines).anyMatch(l -> l.contains("no Kaleyra account 'nobody' is configured"));
        assertThat(held(defaultBox)).hasSize(3);
        assertThat(held(acmeBox)).hasSize(2);
        assertThat(globexBox.postCalls()).isEqualTo(1);

        for (String key : List.of(DEFAULT_KEY, ACME_KEY, GLOBEX_WRONG_KEY, GLOBEX_KEY)) {
            assertThat(lines).as("log lines holding %s", key).noneMatch(l -> l.contains(key));
        }
        // nor the outputs (the refused key's failure rows name the property, not the key)
        List<Map<String, String>> refused = Outputs.rows(dir.resolve("failure"), "globex_refused");
        assertThat(refused).hasSize(2).allSatisfy(r -> assertThat(r.get("error_message")).doesNotContain(GLOBEX_WRONG_KEY));
    }
}
