package org.senderroute.packaging;

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
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.RegisteredSender;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.EmbeddedPostgresServer;
import org.senderroute.testsupport.JarInstances;
import org.senderroute.testsupport.OpenSshServer;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances of the built jar, each a process with a working directory of its own, sharing one inbox, one SFTP
 * folder on a real OpenSSH server, the output folders and one PostgreSQL ledger, for two Kaleyra accounts (chosen by
 * the file-name prefix; one sandbox per account, in this JVM, that every instance calls): every file of 20,000
 * records is processed by one instance, once; every record ends in exactly one row; each sender is created once
 * in its account, and no record fails.
 */
class SharedDropsIT {

    private static final int RECORDS = 20_000;
    private static final String ACME_SID = "ACMESID0001";
    private static final String ACME_KEY = "acme-key-8b3e6d20c4f1";
    private static final String GLOBEX_SID = "GLOBEXSID01";
    private static final String GLOBEX_KEY = "globex-key-17a9c3e5b2d8";

    /** The files, their drop and the first sender of each (files share no sender). */
    private record Drop(String name, boolean sftp, int firstSender) {
        String base() {
            return name.substring(0, name.length() - ".csv".length());
        }
    }

    private static final List<Drop> FILES = List.of(
            new Drop("acme-inbox.csv", false, 1), new Drop("globex-inbox.csv", false, 100_001),
            new Drop("acme-sftp.csv", true, 200_001), new Drop("globex-sftp.csv", true, 300_001));

    @TempDir
    Path dir;
    OpenSshServer ssh;
    KaleyraSandbox acme;
    KaleyraSandbox globex;
    JarInstances instances;

    @AfterEach
    void stop() throws Exception {
        if (instances != null) {
            instances.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {acme, globex, ssh}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void threeInstancesShareAnInboxAndAnSftpFolderForTwoAccounts() throws Exception {
        ssh = OpenSshServer.start(dir.resolve("ssh"));
        Path folder = Files.createDirectories(ssh.workDir().resolve("upload/partners/out"));
        acme = sandbox(ACME_SID, ACME_KEY);
        globex = sandbox(GLOBEX_SID, GLOBEX_KEY);
        Map<String, String> settings = new HashMap<>(ssh.dropSettings(folder.toString()));
        settings.put("kaleyra.accounts", "acme,globex");
        settings.put("kaleyra.account.acme.sid", ACME_SID);
        settings.put("kaleyra.account.acme.api-key", ACME_KEY);
        settings.put("kaleyra.account.acme.base-url", acme.baseUrl());
        settings.put("kaleyra.account.globex.sid", GLOBEX_SID);
        settings.put("kaleyra.account.globex.api-key", GLOBEX_KEY);
        settings.put("kaleyra.account.globex.base-url", globex.baseUrl());
        settings.put("sender.accounts.rule", "prefix");
        settings.put("sender.accounts.default-enabled", "false");
        settings.put("sender.batch.size", "1000");
        settings.put("sender.http.max-concurrent-calls", "2");
        instances = new JarInstances(dir, EmbeddedPostgresServer.newDatabase(), settings);
        for (String name : List.of("blue", "green", "red")) {
            instances.start(name);
        }
        instances.awaitRunning(Duration.ofSeconds(90));

        Files.createDirectories(instances.inbox());
        for (Drop f : FILES) {
            put(f.sftp() ? folder : instances.inbox(), f.name(), SenderFiles.csv(f.firstSender(), RECORDS));
        }
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                .until(() -> FILES.stream().allMatch(f -> Files.exists(done(f, folder))));
        // every instance is idle again: nothing more is written
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);

        assertThat(names(instances.inbox().resolve(".done"))).containsExactly("acme-inbox.csv", "globex-inbox.csv");
        assertThat(names(folder.resolve(".done"))).containsExactly("acme-sftp.csv", "globex-sftp.csv");
        assertThat(instances.inbox().resolve(".error")).doesNotExist();
        assertThat(folder.resolve(".error")).doesNotExist();
        List<String> processedBy = new ArrayList<>();
        for (Drop f : FILES) {
            assertThat(instances.whoProcessed(f.name())).as("the instances that processed " + f.name()).hasSize(1);
            processedBy.add(instances.whoProcessed(f.name()).get(0));
            assertThat(Outputs.files(instances.successDir(), f.base())).as("success output of " + f.name())
                    .singleElement().satisfies(p -> assertThat(p.getFileName().toString()).endsWith(".success.csv"));
            assertThat(Outputs.rows(instances.failureDir(), f.base())).as("failure rows of " + f.name()).isEmpty();
            List<Map<String, String>> rows = Outputs.rows(instances.successDir(), f.base());
            assertThat(rows.stream().map(r -> Integer.parseInt(r.get("record"))).sorted().toList())
                    .as("records of " + f.name() + ", each once")
                    .isEqualTo(IntStream.rangeClosed(1, RECORDS).boxed().toList());
            assertThat(rows).as("every record of " + f.name() + " created by this run")
                    .allSatisfy(r -> assertThat(r.get("kaleyra_id")).isNotBlank());
        }
        assertThat(processedBy.stream().distinct().count()).as("files processed by " + processedBy).isGreaterThan(1);

        assertCreatedOnceEach(acme, "acme");
        assertCreatedOnceEach(globex, "globex");
    }

    private void assertCreatedOnceEach(KaleyraSandbox sandbox, String account) {
        List<String> expected = new ArrayList<>();
        for (Drop f : FILES) {
            if (f.name().startsWith(account + "-")) {
                IntStream.range(f.firstSender(), f.firstSender() + RECORDS).forEach(i -> expected.add(SenderFiles.sender(i)));
            }
        }
        List<String> held = sandbox.registered().stream().map(RegisteredSender::sender).sorted().toList();
        assertThat(sandbox.createdCount()).as("senders created in " + account).isEqualTo(expected.size());
        assertThat(held).as("senders of " + account + ", each once").isEqualTo(expected.stream().sorted().toList());
    }

    private static KaleyraSandbox sandbox(String sid, String key) {
        return new KaleyraSandbox(SandboxSettings.defaults().withSid(sid).withApiKey(key).withPreRegistered(List.of())
                .withLatency(Duration.ofMillis(50))).start();
    }

    /** Puts a complete file into the folder at once (written aside, dated back, then moved), as partners do. */
    private void put(Path folder, String name, String content) throws Exception {
        Path aside = folder.resolve("." + name + ".part");
        Files.writeString(aside, content);
        Files.setLastModifiedTime(aside, FileTime.from(Instant.now().minusSeconds(60)));
        Files.move(aside, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private Path done(Drop f, Path sftpFolder) {
        return (f.sftp() ? sftpFolder : instances.inbox()).resolve(".done").resolve(f.name());
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
