package org.senderroute.route;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The inbox polled at the times of a cron expression (sender.inbox.cron) instead of every poll-delay. */
class PollScheduleTest {

    @TempDir
    Path dir;

    private final KaleyraSandbox sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
    private RouteHarness app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        sandbox.close();
    }

    @Test
    void aCronExpressionPollsAtItsTimesInsteadOfEveryPollDelay() {
        // every poll-delay would be once an hour: only the cron's polls, every 2 seconds, can take the file in time
        app = RouteHarness.start(dir, sandbox, Map.of("sender.inbox.poll-delay", "3600000", "sender.inbox.min-age", "0",
                "sender.inbox.cron", "0/2 * * * * ?"));
        assertThat(app.context().getRoute("intake-directory").getEndpoint().getEndpointUri()).contains("scheduler=quartz");
        app.drop("nightly.csv", SenderFiles.csv(3));

        app.awaitTaken("nightly.csv", Duration.ofSeconds(30));
        app.assertEveryRecordOnce("nightly", 3);
    }

    @Test
    void aWrongCronExpressionStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> app = RouteHarness.start(dir, sandbox, Map.of("sender.inbox.cron", "at two")))
                .hasMessageContaining("sender.inbox.cron (SENDER_INBOX_CRON) is not a Quartz cron expression");
    }

    @Test
    void aOnceRunTakesTheFilesAtOnceWhateverTheSchedule() throws Exception {
        java.util.Properties p = RouteHarness.defaults(dir, sandbox);
        p.setProperty("sender.inbox.min-age", "0");
        p.setProperty("sender.inbox.cron", "0 0 2 1 1 ?");
        java.nio.file.Files.createDirectories(dir.resolve("inbox"));
        java.nio.file.Files.writeString(dir.resolve("inbox/now.csv"), SenderFiles.csv(2));

        OnceRun run = OnceRun.of(p);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(dir.resolve("inbox/.done/now.csv")).exists();
    }
}
