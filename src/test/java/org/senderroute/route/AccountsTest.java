package org.senderroute.route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.RegisteredSender;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several Kaleyra accounts: each file goes to the account its name prefix or its folder names, with that account's
 * SID and key (one sandbox per account, each accepting only its own credentials); a file naming an account that is
 * not configured is reported and kept, and nothing of it is sent.
 */
class AccountsTest {

    static final String DEFAULT_SID = "DEFAULTSID01";
    static final String DEFAULT_KEY = "default-key-5f0c2a91d7e4";
    static final String ACME_SID = "ACMESID0001";
    static final String ACME_KEY = "acme-key-8b3e6d20c4f1";
    static final String GLOBEX_SID = "GLOBEXSID01";
    static final String GLOBEX_KEY = "globex-key-17a9c3e5b2d8";

    @TempDir
    Path dir;
    final List<KaleyraSandbox> sandboxes = new ArrayList<>();
    KaleyraSandbox defaultBox;
    KaleyraSandbox acmeBox;
    KaleyraSandbox globexBox;
    RouteHarness app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        sandboxes.forEach(KaleyraSandbox::close);
    }

    private KaleyraSandbox sandbox(String sid, String key) {
        KaleyraSandbox box = new KaleyraSandbox(SandboxSettings.defaults().withSid(sid).withApiKey(key).withPreRegistered(List.of()))
                .start();
        sandboxes.add(box);
        return box;
    }

    /** Three sandboxes, one per account; the default account is RouteHarness's (kaleyra.*). */
    private void start(Map<String, String> overrides) {
        defaultBox = sandbox(DEFAULT_SID, DEFAULT_KEY);
        acmeBox = sandbox(ACME_SID, ACME_KEY);
        globexBox = sandbox(GLOBEX_SID, GLOBEX_KEY);
        Map<String, String> p = new HashMap<>();
        p.put("kaleyra.accounts", "acme,globex");
        p.put("kaleyra.account.acme.sid", ACME_SID);
        p.put("kaleyra.account.acme.api-key", ACME_KEY);
        p.put("kaleyra.account.acme.base-url", acmeBox.baseUrl());
        p.put("kaleyra.account.globex.sid", GLOBEX_SID);
        p.put("kaleyra.account.globex.api-key", GLOBEX_KEY);
        p.put("kaleyra.account.globex.base-url", globexBox.baseUrl());
        // small batches: a file takes several calls, all of which must go to the file's account
        p.put("sender.batch.size", "2");
        p.putAll(overrides);
        app = RouteHarness.start(dir, defaultBox, p);
    }

    /** A CSV of n valid Indian senders, each starting with the two letters given (AC0001, AC0002, ...). */
    static String csv(String letters, int n) {
        StringBuilder s = new StringBuilder("sender,description,iso_code,entity_id\n");
        for (int i = 1; i <= n; i++) {
            s.append(sender(letters, i)).append(",sender ").append(i).append(",in,").append(100000000000L + i).append('\n');
        }
        return s.toString();
    }

    static String sender(String letters, int i) {
        return letters + String.format("%04d", i);
    }

    static List<String> senders(String letters, int n) {
        List<String> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(sender(letters, i));
        }
        return list;
    }

    static List<String> held(KaleyraSandbox box) {
        return box.registered().stream().map(RegisteredSender::sender).toList();
    }

    /** Puts a complete file at this path under the inbox (written aside, then moved), dated in the past. */
    private void drop(String relativePath, String content) {
        try {
            Path target = app.inbox().resolve(relativePath);
            Files.createDirectories(target.getParent());
            Path staging = dir.resolve("staging-" + target.getFileName());
            Files.writeString(staging, content, StandardCharsets.UTF_8);
            Files.setLastModifiedTime(staging, FileTime.from(Instant.now().minusSeconds(60)));
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the file has moved to .done or .error beside it and returns where it went. */
    private Path awaitArchived(String relativePath) {
        Path file = app.inbox().resolve(relativePath);
        Path done = file.resolveSibling(".done").resolve(file.getFileName());
        Path error = file.resolveSibling(".error").resolve(file.getFileName());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(done) || Files.exists(error));
        return Files.exists(done) ? done : error;
    }

    @Test
    void prefixRuleSendsEachFileWithItsAccountsSidAndKey() {
        start(Map.of("sender.accounts.rule", "prefix"));
        drop("acme_senders.csv", csv("AC", 5));
        drop("globex-senders.csv", csv("GX", 3));
        drop("ACME-upper.csv", csv("AU", 2));
        drop("senders.csv", csv("DF", 4));
        // without the folder rule, sub-folders of the inbox are not looked into
        drop("acme/in-a-folder.csv", csv("SF", 2));

        assertThat(awaitArchived("acme_senders.csv")).hasParent(app.inbox().resolve(".done"));
        assertThat(awaitArchived("globex-senders.csv")).hasParent(app.inbox().resolve(".done"));
        assertThat(awaitArchived("ACME-upper.csv")).hasParent(app.inbox().resolve(".done"));
        assertThat(awaitArchived("senders.csv")).hasParent(app.inbox().resolve(".done"));

        // each sandbox accepts only its own SID (in the path) and key: a sender it holds came with that account's
        List<String> acme = new ArrayList<>(senders("AC", 5));
        acme.addAll(senders("AU", 2));
        assertThat(held(acmeBox)).containsExactlyInAnyOrderElementsOf(acme);
        assertThat(held(globexBox)).containsExactlyInAnyOrderElementsOf(senders("GX", 3));
        assertThat(held(defaultBox)).containsExactlyInAnyOrderElementsOf(senders("DF", 4));
        // batches of 2: 3 + 1 calls to acme, 2 to globex, 2 to the default account, none refused
        assertThat(acmeBox.postCalls()).isEqualTo(4);
        assertThat(globexBox.postCalls()).isEqualTo(2);
        assertThat(defaultBox.postCalls()).isEqualTo(2);
        app.assertEveryRecordOnce("acme_senders", 5);
        app.assertEveryRecordOnce("globex-senders", 3);
        app.assertEveryRecordOnce("senders", 4);
        assertThat(app.failureRows("acme_senders")).isEmpty();
        assertThat(app.failureRows("globex-senders")).isEmpty();
        assertThat(app.inbox().resolve("acme/in-a-folder.csv")).exists();
        assertThat(app.successRows("in-a-folder")).isEmpty();
    }

    @Test
    void folderRuleSendsEachSubFolderWithItsAccountAndNeverTakesArchivedFiles() throws IOException {
        start(Map.of("sender.accounts.rule", "folder"));
        // archived files, in the inbox's and in an account folder's .done / .error: never taken again
        Files.createDirectories(app.inbox().resolve(".done"));
        Files.writeString(app.inbox().resolve(".done/old.csv"), csv("OL", 2));
        Files.createDirectories(app.inbox().resolve("acme/.error"));
        Files.writeString(app.inbox().resolve("acme/.error/old.csv"), csv("OE", 2));
        // the same name and the same content in two account folders: two files, one per account
        drop("acme/senders.csv", csv("SM", 3));
        drop("globex/senders.csv", csv("SM", 3));
        drop("globex/more.json", "[{\"sender\":\"GXJSON\",\"description\":\"d\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}]");
        drop("root.csv", csv("RT", 2));

        assertThat(awaitArchived("acme/senders.csv")).hasParent(app.inbox().resolve("acme/.done"));
        assertThat(awaitArchived("globex/senders.csv")).hasParent(app.inbox().resolve("globex/.done"));
        assertThat(awaitArchived("globex/more.json")).hasParent(app.inbox().resolve("globex/.done"));
        assertThat(awaitArchived("root.csv")).hasParent(app.inbox().resolve(".done"));

        assertThat(held(acmeBox)).containsExactlyInAnyOrderElementsOf(senders("SM", 3));
        List<String> globex = new ArrayList<>(senders("SM", 3));
        globex.add("GXJSON");
        assertThat(held(globexBox)).containsExactlyInAnyOrderElementsOf(globex);
        assertThat(held(defaultBox)).containsExactlyInAnyOrderElementsOf(senders("RT", 2));
        assertThat(app.successRows("senders")).hasSize(6);
        assertThat(app.failureRows("senders")).isEmpty();
        assertThat(app.successRows("root")).hasSize(2);

        // a few more polls: the archived files stay where they are and nothing else is sent
        long posts = acmeBox.postCalls() + globexBox.postCalls() + defaultBox.postCalls();
        await().pollDelay(Duration.ofMillis(800)).until(() -> true);
        assertThat(acmeBox.postCalls() + globexBox.postCalls() + defaultBox.postCalls()).isEqualTo(posts);
        assertThat(app.inbox().resolve(".done/old.csv")).exists();
        assertThat(app.inbox().resolve("acme/.error/old.csv")).exists();
        assertThat(app.successRows("old")).isEmpty();
    }

    @Test
    void aFileNamingAnUnknownAccountIsReportedAndKeptAndNothingOfItIsSent() {
        start(Map.of("sender.accounts.rule", "prefix"));
        drop("acem_senders.csv", csv("TY", 4));
        drop("acme_senders.csv", csv("AC", 2));

        assertThat(awaitArchived("acem_senders.csv")).hasParent(app.inbox().resolve(".error"));
        assertThat(awaitArchived("acme_senders.csv")).hasParent(app.inbox().resolve(".done"));

        assertThat(app.failureRows("acem_senders")).singleElement().satisfies(r -> {
            assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
            assertThat(r.get("error_message")).contains("no Kaleyra account 'acem' is configured", "prefix 'acem_'",
                    "configured accounts: default, acme, globex", "Nothing was sent");
        });
        assertThat(app.successRows("acem_senders")).isEmpty();
        assertThat(held(defaultBox)).isEmpty();
        assertThat(defaultBox.postCalls()).isZero();
        assertThat(globexBox.postCalls()).isZero();
        assertThat(held(acmeBox)).containsExactlyInAnyOrderElementsOf(senders("AC", 2));
    }

    @Test
    void withTheDefaultAccountDisabledAFileNamingNoAccountIsRefusedToo() {
        start(Map.of("sender.accounts.rule", "folder", "sender.accounts.default-enabled", "false"));
        drop("loose.csv", csv("LO", 2));
        drop("initech/senders.csv", csv("IN", 2));
        drop("globex/senders.csv", csv("GX", 2));

        assertThat(awaitArchived("loose.csv")).hasParent(app.inbox().resolve(".error"));
        assertThat(awaitArchived("initech/senders.csv")).hasParent(app.inbox().resolve("initech/.error"));
        assertThat(awaitArchived("globex/senders.csv")).hasParent(app.inbox().resolve("globex/.done"));

        assertThat(app.failureRows("loose")).singleElement().satisfies(r -> assertThat(r.get("error_message"))
                .contains("names none", "default account is disabled", "configured accounts: acme, globex"));
        assertThat(app.failureRows("senders")).singleElement().satisfies(r -> assertThat(r.get("error_message"))
                .contains("no Kaleyra account 'initech' is configured", "the folder 'initech'"));
        assertThat(defaultBox.postCalls()).isZero();
        assertThat(acmeBox.postCalls()).isZero();
        assertThat(held(globexBox)).containsExactlyInAnyOrderElementsOf(senders("GX", 2));
    }

    @Test
    void aRefusedFileIsProcessedWhenDroppedAgainOnceItsAccountIsConfigured() throws IOException {
        start(Map.of("sender.accounts.rule", "prefix"));
        drop("initech_senders.csv", csv("IT", 3));
        Path refused = awaitArchived("initech_senders.csv");
        assertThat(refused).hasParent(app.inbox().resolve(".error"));
        app.close();

        // the operator configures the account and puts the same file, unchanged, back into the inbox: it is processed
        // (a refused file is not recorded in the file ledger, so it is no "file already processed")
        Files.move(refused, app.inbox().resolve("initech_senders.csv"));
        Map<String, String> p = new HashMap<>();
        p.put("sender.accounts.rule", "prefix");
        p.put("kaleyra.accounts", "acme,globex,initech");
        p.put("kaleyra.account.acme.sid", ACME_SID);
        p.put("kaleyra.account.acme.api-key", ACME_KEY);
        p.put("kaleyra.account.globex.sid", GLOBEX_SID);
        p.put("kaleyra.account.globex.api-key", GLOBEX_KEY);
        p.put("kaleyra.account.initech.sid", ACME_SID);
        p.put("kaleyra.account.initech.api-key", ACME_KEY);
        p.put("kaleyra.account.initech.base-url", acmeBox.baseUrl());
        app = RouteHarness.start(dir, defaultBox, p);
        assertThat(awaitArchived("initech_senders.csv")).hasParent(app.inbox().resolve(".done"));
        assertThat(held(acmeBox)).containsExactlyInAnyOrderElementsOf(senders("IT", 3));
        app.assertEveryRecordOnce("initech_senders", 3);
    }
}
