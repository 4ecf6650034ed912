package org.senderroute.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher the build puts beside the jar (target/kaleyra-sender-route): it makes the class archive once, from a
 * run that nothing of the operator's environment reaches, starts the jar with it from any working directory, makes
 * it again when the jar changes, and starts without it when it cannot be written. Its exit code is the module's.
 */
class LauncherIT {

    @TempDir
    Path installDir;

    @TempDir
    Path workDir;

    private Path launcher;
    private Path archive;

    /** A copy of the built jar and launcher, as an operator installs them: no archive yet. */
    @BeforeEach
    void install() throws IOException {
        Path built = Path.of("target");
        Files.copy(built.resolve("kaleyra-sender-route.jar"), installDir.resolve("kaleyra-sender-route.jar"));
        launcher = Files.copy(built.resolve("kaleyra-sender-route"), installDir.resolve("kaleyra-sender-route"),
                StandardCopyOption.COPY_ATTRIBUTES);
        archive = installDir.resolve("kaleyra-sender-route.jsa");
    }

    private record Run(int exit, String output) {
    }

    private Run run(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(workDir, "launcher-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not end within 180 s: " + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The sandbox profile's run, with the JVM telling where each class came from (a file of the working directory). */
    private Run sandboxRun(Path classLog) throws Exception {
        return run(Map.of("JAVA_OPTS", "-Xmx256m -Xlog:class+load=info:file=" + classLog, "CAMEL_MANAGEMENT_PORT", "0"),
                "--profile", "sandbox", "--once");
    }

    private static boolean moduleClassesFromArchive(Path classLog) throws IOException {
        return Files.readAllLines(classLog).stream()
                .anyMatch(l -> l.contains("org.senderroute.SenderRouteApplication source: shared objects file"));
    }

    @Test
    void theFirstStartMakesTheArchiveAndEveryStartFromAnyDirectoryUsesIt() throws Exception {
        Path classes = workDir.resolve("classes-1.log");
        Run first = sandboxRun(classes);

        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("All files: 3 files, 18 records");
        assertThat(archive).isNotEmptyFile();
        assertThat(installDir.resolve("kaleyra-sender-route.jsa.stamp")).isNotEmptyFile();
        assertThat(moduleClassesFromArchive(classes)).as("classes mapped from the archive").isTrue();
        // the archive's own run left nothing beside the jar but the archive
        try (var beside = Files.list(installDir)) {
            assertThat(beside.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("kaleyra-sender-route",
                    "kaleyra-sender-route.jar", "kaleyra-sender-route.jsa", "kaleyra-sender-route.jsa.stamp");
        }

        FileTime made = Files.getLastModifiedTime(archive);
        Path classesAgain = workDir.resolve("classes-2.log");
        Run second = sandboxRun(classesAgain);
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(Files.getLastModifiedTime(archive)).as("not made again").isEqualTo(made);
        assertThat(moduleClassesFromArchive(classesAgain)).isTrue();
    }

    @Test
    void theArchiveRunTakesNothingFromTheOperatorsEnvironment() throws Exception {
        // a production environment: a real inbox with a file in it, another Kaleyra, no sandbox
        Path inbox = Files.createDirectories(workDir.resolve("inbox"));
        Files.writeString(inbox.resolve("partner.csv"), SenderFiles.csv(4));
        Map<String, String> production = new HashMap<>(Map.of("SENDER_INBOX", inbox.toString(),
                "KALEYRA_SANDBOX", "false", "KALEYRA_BASE_URL", "http://127.0.0.1:9", "KALEYRA_SID", "PRODSID",
                "KALEYRA_API_KEY", "production-key", "SENDER_OUTPUT_SUCCESS", "file:" + workDir.resolve("out")));

        Run prepared = run(production, "--prepare-archive");

        assertThat(prepared.exit()).as(prepared.output()).isZero();
        assertThat(prepared.output()).isEmpty();
        assertThat(archive).isNotEmptyFile();
        assertThat(inbox.resolve("partner.csv")).as("the operator's file untouched").exists();
        assertThat(Files.exists(inbox.resolve(".done"))).isFalse();
        assertThat(Files.exists(workDir.resolve("out"))).isFalse();
    }

    @Test
    void aChangedJarGetsANewArchive() throws Exception {
        assertThat(run(Map.of(), "--prepare-archive").exit()).isZero();
        FileTime first = Files.getLastModifiedTime(archive);
        // the jar replaced by another build (here: the same bytes, a later time)
        Files.setLastModifiedTime(installDir.resolve("kaleyra-sender-route.jar"),
                FileTime.from(Instant.now().plusSeconds(120)));

        Path classes = workDir.resolve("classes.log");
        Run run = sandboxRun(classes);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(Files.getLastModifiedTime(archive)).isNotEqualTo(first);
        assertThat(moduleClassesFromArchive(classes)).isTrue();
    }

    @Test
    void whereTheArchiveCannotBeWrittenTheModuleStartsWithoutIt() throws Exception {
        Path classes = workDir.resolve("classes.log");
        Map<String, String> env = Map.of("SENDER_CDS_ARCHIVE", "/proc/no-such-dir/kaleyra-sender-route.jsa",
                "JAVA_OPTS", "-Xlog:class+load=info:file=" + classes, "CAMEL_MANAGEMENT_PORT", "0");

        Run run = run(env, "--profile", "sandbox", "--once");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("All files: 3 files, 18 records");
        assertThat(moduleClassesFromArchive(classes)).isFalse();
        assertThat(Files.exists(archive)).isFalse();
    }

    @Test
    void withoutTheArchiveSwitchedOffNoneIsMade() throws Exception {
        Run run = run(Map.of("SENDER_CDS", "false", "CAMEL_MANAGEMENT_PORT", "0"), "--profile", "sandbox", "--once");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(Files.exists(archive)).isFalse();
    }

    @Test
    void theModulesExitCodeIsTheLaunchers() throws Exception {
        Run wrong = run(Map.of("SENDER_CDS", "false"), "--dry-run");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.output()).contains("--dry-run goes with --once");

        // Kaleyra unreachable: exit 3, through the launcher, with the archive in use
        Path inbox = Files.createDirectories(workDir.resolve("inbox"));
        Files.writeString(inbox.resolve("partner.csv"), SenderFiles.csv(3));
        Run unavailable = run(Map.of("SENDER_INBOX", inbox.toString(), "SENDER_INBOX_MIN_AGE", "0",
                "KALEYRA_BASE_URL", "http://127.0.0.1:9", "KALEYRA_SID", "SID", "KALEYRA_API_KEY", "key",
                "SENDER_HTTP_RETRY_MAX_ATTEMPTS", "1", "CAMEL_MANAGEMENT_PORT", "0"), "--once");
        assertThat(unavailable.exit()).as(unavailable.output()).isEqualTo(3);
        assertThat(archive).isNotEmptyFile();
        assertThat(Outputs.rows(workDir.resolve("data/output/failure"), "partner")).hasSize(3);
    }

    @Test
    void anArchiveThatCannotBeMadeIsToldOnceAndTheModuleStartsWithoutIt() throws Exception {
        // a JDK whose java refuses to write an archive, and runs everything else as the real one does
        Path jdk = Files.createDirectories(workDir.resolve("jdk"));
        Files.createDirectories(jdk.resolve("bin"));
        Files.createDirectories(jdk.resolve("lib"));
        Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
        Files.createSymbolicLink(jdk.resolve("lib/modules"), Path.of(System.getProperty("java.home"), "lib", "modules"));
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n"
                + "case \"$*\" in *ArchiveClassesAtExit*) echo 'no archive here' >&2; exit 1 ;; esac\n"
                + "exec '" + realJava + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString(), "CAMEL_MANAGEMENT_PORT", "0");

        Run first = run(env, "--profile", "sandbox", "--once");

        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).containsOnlyOnce("the class archive could not be made")
                .contains("no archive here", "All files: 3 files, 18 records");
        assertThat(Files.exists(archive)).isFalse();

        Run second = run(env, "--profile", "sandbox", "--once");
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).as("not tried again for this jar and JDK")
                .doesNotContain("the class archive could not be made");
    }
}
