package org.senderroute.packaging;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.testsupport.JarProcess;
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
        JarProcess run = JarProcess.start(workDir, Map.of(), "--profile", "sandbox", "--once");
        assertThat(run.waitFor(90)).as("finished within 90 s").isTrue();
        String output = run.output();
        assertThat(run.exitValue()).as(output).isZero();

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
        assertThat(output).contains("SANDBOX", "partner-senders.csv [csv]: 10 records", "Success rows: file:data/sandbox/output/success")
                .doesNotContain("sandbox-api-key");
        assertThat(workDir.resolve("data/sandbox/inbox/.done/partner-senders.csv")).exists();
    }
}
