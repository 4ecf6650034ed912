package org.senderroute.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.testsupport.Outputs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runnable jar, as built by {@code mvn package}, started as a separate process exactly as the README's quick
 * start does it: sandbox profile, bundled samples, --once.
 */
class PackagedJarIT {

    @TempDir
    Path workDir;

    @Test
    void theBuiltJarRunsTheQuickStart() throws Exception {
        Path jar = Path.of("target/kaleyra-sender-route.jar").toAbsolutePath();
        assertThat(jar).exists();
        copyTree(Path.of("config"), workDir.resolve("config"));
        copyTree(Path.of("routes"), workDir.resolve("routes"));

        Path log = workDir.resolve("run.log");
        Process process = new ProcessBuilder(javaBinary(), "-jar", jar.toString(), "--profile", "sandbox", "--once")
                .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("finished within 90 s").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();

        Path success = workDir.resolve("data/sandbox/output/success");
        Path failure = workDir.resolve("data/sandbox/output/failure");
        List<Map<String, String>> created = Outputs.rows(success, "partner-senders");
        List<Map<String, String>> failed = Outputs.rows(failure, "partner-senders");
        assertThat(created).extracting(r -> r.get("sender")).contains("KALEYR", "TRAVEL", "INSURE");
        assertThat(failed).anySatisfy(r -> {
            assertThat(r.get("sender")).isEqualTo("ABCF01");
            assertThat(r.get("error_message")).isEqualTo("Sender ID Already exist.");
        });
        assertThat(created.size() + failed.size()).isEqualTo(18);
        assertThat(output).contains("SANDBOX", "partner-senders.csv [csv]: 10 records").doesNotContain("sandbox-api-key");
        assertThat(workDir.resolve("data/sandbox/inbox/.done/partner-senders.csv")).exists();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
