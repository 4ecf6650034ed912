package org.senderroute.route;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP intake (routes/12-intake-http.camel.yaml), over real HTTP on loopback, against the sandbox: a POST goes
 * through the same pipeline as a dropped file, is refused without the account's token, beyond the size limit and
 * for a key sent again with another body, and is processed once per key, also across a restart.
 */
class HttpIntakeTest extends HttpIntakeRouteTest {

    @Test
    void refusesWithoutTheTokenAndStoresNothingNorLogsIt() throws Exception {
        startIntake(Map.of());
        try (LogCapture logs = LogCapture.start()) {
            HttpResponse<String> none = post(null, "k-1", "text/csv", SenderFiles.csv(3), "");
            HttpResponse<String> wrong = post("not-" + TOKEN, "k-1", "text/csv", SenderFiles.csv(3), "");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(logs.text()).doesNotContain(TOKEN).doesNotContain("SX0001");
        }
        assertThat(requestFolders()).isEmpty();
        assertThat(sandbox.postCalls()).isZero();
    }

    @Test
    void postsAFileThroughThePipelineAndPollsItsOutcome() throws Exception {
        startIntake(Map.of());
        HttpResponse<String> accepted = post(TOKEN, "batch-1", "text/csv", SenderFiles.csv(5) + "BAD,x,in,1\n", "");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/senders/");
        assertThat(accepted.headers().firstValue("Authorization")).isEmpty();

        JsonNode done = awaitDone(location);
        assertThat(done.path("state").asText()).isEqualTo("done");
        assertThat(done.path("summary").path("records").asLong()).isEqualTo(6);
        assertThat(done.path("summary").path("succeeded").asLong()).isEqualTo(5);
        assertThat(done.path("summary").path("failed").asLong()).isEqualTo(1);
        // the outputs go to the configured destinations too, named after X-File-Name
        assertThat(app.successRows("partner")).hasSize(5);
        assertThat(app.failureRows("partner")).hasSize(1);
        HttpResponse<String> rows = get(done.path("rows").path("success").asText());
        assertThat(rows.statusCode()).isEqualTo(200);
        assertThat(rows.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(rows.body().lines().count()).isEqualTo(6);
        assertThat(get(done.path("rows").path("failure").asText()).body()).contains("INVALID_SENDER");
    }

    /** The token decides the account: acme's token sends to acme's Kaleyra, whatever the file's name says. */
    @Test
    void theTokenDecidesTheAccount() throws Exception {
        try (KaleyraSandbox acme = new KaleyraSandbox(SandboxSettings.defaults().withSid("ACMESID0001")
                .withApiKey("acme-key-8b3e6d20c4f1").withPreRegistered(List.of())).start()) {
            startIntake(Map.of("kaleyra.accounts", "acme", "kaleyra.account.acme.sid", "ACMESID0001",
                    "kaleyra.account.acme.api-key", "acme-key-8b3e6d20c4f1",
                    "kaleyra.account.acme.base-url", acme.baseUrl(),
                    "kaleyra.account.acme.http-intake-token", "acme-token-0f4b2c81d9e3",
                    "sender.accounts.rule", "prefix"));
            HttpResponse<String> answer = post("acme-token-0f4b2c81d9e3", "acme-1", "text/csv", SenderFiles.csv(3),
                    "?wait=20s");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("summary").path("succeeded").asLong()).isEqualTo(3);
            assertThat(acme.createdCount()).isEqualTo(3);
            assertThat(sandbox.postCalls()).isZero();
            // the default account's token does not see acme's request
            String location = answer.headers().firstValue("Location").orElseThrow();
            assertThat(get(location).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void waitsForASmallBatchAndAnswersItsSummary() throws Exception {
        startIntake(Map.of());
        HttpResponse<String> answer = post(TOKEN, "small", "application/x-ndjson",
                "{\"sender\":\"WAITS1\",\"description\":\"d\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}\n",
                "?wait=20s");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("state").asText()).isEqualTo("done");
        assertThat(body.path("summary").path("succeeded").asLong()).isEqualTo(1);
    }

    @Test
    void aKeySentAgainGetsTheFirstAnswerAndIsProcessedOnceAlsoAfterARestart() throws Exception {
        startIntake(Map.of());
        String body = SenderFiles.csv(4);
        HttpResponse<String> first = post(TOKEN, "again", "text/csv", body, "?wait=20s");
        assertThat(first.statusCode()).isEqualTo(200);
        int calls = sandbox.postCalls();
        assertThat(calls).isPositive();

        HttpResponse<String> second = post(TOKEN, "again", "text/csv", body, "");
        assertThat(second.statusCode()).isEqualTo(first.statusCode());
        assertThat(second.body()).isEqualTo(first.body());
        HttpResponse<String> otherBody = post(TOKEN, "again", "text/csv", SenderFiles.csv(5), "");
        assertThat(otherBody.statusCode()).isEqualTo(422);

        restart();
        HttpResponse<String> afterRestart = post(TOKEN, "again", "text/csv", body, "");
        assertThat(afterRestart.statusCode()).isEqualTo(first.statusCode());
        assertThat(afterRestart.body()).isEqualTo(first.body());
        Thread.sleep(500);
        assertThat(sandbox.postCalls()).isEqualTo(calls);
        assertThat(app.successRows("partner")).hasSize(4);
    }

    @Test
    void refusesABodyOverTheLimitAndWithoutAKey() throws Exception {
        startIntake(Map.of("sender.http-intake.max-body-bytes", "1000"));
        assertThat(post(TOKEN, "big", "text/csv", SenderFiles.csv(100), "").statusCode()).isEqualTo(413);
        assertThat(post(TOKEN, null, "text/csv", SenderFiles.csv(1), "").statusCode()).isEqualTo(400);
        assertThat(post(TOKEN, "xml", "application/xml", "<a/>", "").statusCode()).isEqualTo(415);
        assertThat(requestFolders()).isEmpty();
    }

    @Test
    void aMalformedBodyIsRefusedAsAFileWouldBe() throws Exception {
        startIntake(Map.of());
        HttpResponse<String> answer = post(TOKEN, "broken", "application/json", "{\"data\":[{\"sender\":", "?wait=20s");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("summary").path("unreadable").asText()).isNotEmpty();
        assertThat(app.failureRows("partner")).extracting(r -> r.get("error_code")).containsExactly("FILE_UNREADABLE");
        assertThat(sandbox.postCalls()).isZero();
    }

}
