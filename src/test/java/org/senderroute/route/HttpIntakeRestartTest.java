package org.senderroute.route;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP intake across a stop: a request the stop interrupted is finished by the next start. */
class HttpIntakeRestartTest extends HttpIntakeRouteTest {

    /** A request a stop interrupts is processed again at the next start: every record once, no sender created twice. */
    @Test
    void aRequestInterruptedByAStopIsFinishedAfterTheRestart() throws Exception {
        port = RouteHarness.freePort();
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withLatency(Duration.ofMillis(700))).start();
        Map<String, String> p = Map.of("sender.http-intake.enabled", "true",
                "sender.http-intake.port", Integer.toString(port), "kaleyra.http-intake-token", TOKEN,
                "sender.batch.size", "2", "sender.http.max-concurrent-calls", "1");
        app = RouteHarness.start(dir, sandbox, p);
        HttpResponse<String> accepted = post(TOKEN, "interrupted", "text/csv", SenderFiles.csv(10), "");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.postCalls() >= 1);
        app.close();
        assertThat(requestFolders().toList()).hasSize(1);
        assertThat(sandbox.createdCount()).isLessThan(10);

        app = RouteHarness.start(dir, sandbox, p);
        JsonNode done = awaitDone(location);
        assertThat(done.path("state").asText()).isEqualTo("done");
        assertThat(sandbox.createdCount()).isEqualTo(10);
        app.assertEveryRecordOnce("partner", 10);
    }
}
