package org.senderroute.route;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only a reply the module recognises as success is a success: replies that are not Kaleyra's success, replies that
 * never end, that are cut off or too large, and redirects, against the sandbox over HTTP.
 */
class KaleyraReplyTrustTest extends SandboxRouteTest {

    private static final String SID = SandboxSettings.DEFAULT_SID;

    /** A 200 that is not 200 MSG106 with a data array: nothing is created, and a re-drop after the fault creates. */
    @ParameterizedTest
    @ValueSource(strings = {
        "<html><body>Proxy login\n   required</body></html>",
        "",
        "   \n\t  ",
        "{}",
        "{\"code\":\"MSG106\"}",
        "{\"code\":\"MSG106\",\"data\":{}}",
        "{\"code\":\"MSG106\",\"data\":[]} trailing",
        "{\"code\":\"MSG106\",\"data\":[{\"id\":\"1\"},{\"id\":\"2\"},{\"id\":\"3\"},{\"id\":\"4\"}]}",
        "{\"code\":\"MSG106\",\"data\":[{\"id\":\"1\"},oops]}"})
    void a200ThatIsNotKaleyrasSuccessCreatesNothingAndARedropCreatesTheSenders(String body) throws IOException {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().failNext(1, 200, body, null);
        app.drop("proxy.csv", SenderFiles.csv(3));
        app.awaitTaken("proxy.csv");

        assertThat(app.successRows("proxy")).isEmpty();
        assertThat(app.failureRows("proxy")).hasSize(3).allSatisfy(r -> {
            assertThat(r.get("error_code")).isEqualTo("UNEXPECTED_RESPONSE");
            assertThat(r.get("error_message")).contains("HTTP 200", "outcome unknown").doesNotContain("\n", "\t");
        });
        assertThat(sandbox.postCalls()).isEqualTo(1);
        assertThat(ledger().all(SID).values()).hasSize(3).allSatisfy(e -> assertThat(e.state()).isEqualTo(LedgerEntry.PENDING));

        // the operator drops the failure file again, as told, once the proxy is fixed
        Path failureFile = Outputs.files(app.failureDir(), "proxy").get(0);
        app.drop("proxy-again.csv", Files.readString(failureFile));
        app.awaitTaken("proxy-again.csv");

        assertThat(sandbox.createdCount()).isEqualTo(3);
        assertThat(app.failureRows("proxy-again")).isEmpty();
        assertThat(app.successRows("proxy-again")).hasSize(3).allSatisfy(r -> assertThat(r.get("kaleyra_id")).isNotBlank());
        app.assertEveryRecordOnce("proxy-again", 3);
    }

    @Test
    void theStartOfABodyIsShortAndWhitespaceCollapsedAndNothingAddedShowsTheApiKey() {
        String key = SandboxSettings.DEFAULT_API_KEY;
        List<String> lines;
        try (LogCapture log = LogCapture.start("org.senderroute", "org.apache.camel", "org.apache.hc")) {
            start(SandboxSettings.defaults(), Map.of("sender.http.call-timeout", "1500"));
            sandbox.faults().failNext(1, 200, "<html>\n\n  echo: api-key: " + key + "\n" + "y".repeat(2000) + "</html>", null);
            app.drop("echo.csv", SenderFiles.csv(2));
            app.awaitTaken("echo.csv");
            sandbox.faults().redirectNext(1, 302, "https://elsewhere.example/login?key=" + key);
            app.drop("echo-moved.csv", SenderFiles.csv(1));
            app.awaitTaken("echo-moved.csv");
            sandbox.faults().createThenTrickleReplyNext(1, java.time.Duration.ofMillis(300));
            app.drop("echo-trickle.csv", SenderFiles.csv(3));
            app.awaitTaken("echo-trickle.csv");
            app.close();
            lines = log.lines();
        }

        assertThat(app.failureRows("echo")).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("error_message")).contains("HTTP 200", "<html> echo: api-key: ****").doesNotContain(key)
                    .hasSizeLessThan(700);
        });
        assertThat(app.failureRows("echo-moved")).singleElement().satisfies(r -> assertThat(r.get("error_message"))
                .contains("HTTP 302 redirect to https://elsewhere.example/login?key=****").doesNotContain(key));
        assertThat(lines).anyMatch(l -> l.contains("sender.http.call-timeout"));
        assertThat(lines).noneMatch(l -> l.contains(key));
    }

    @Test
    void aTricklingReplyEndsAtTheCallTimeoutAndItsSendersAreResolvedByTheRetry() {
        start(SandboxSettings.defaults(), Map.of("sender.http.call-timeout", "1500"));
        // a reply of some 500 bytes, one every 300 ms: each read is answered well within the response-timeout
        sandbox.faults().createThenTrickleReplyNext(1, java.time.Duration.ofMillis(300));
        app.drop("trickle.csv", SenderFiles.csv(3));
        app.awaitTaken("trickle.csv");

        assertThat(app.failureRows("trickle")).isEmpty();
        assertThat(app.successRows("trickle")).hasSize(3).allSatisfy(r ->
                assertThat(r.get("message")).contains("created by an earlier call whose reply was cut off"));
        assertThat(sandbox.createdCount()).isEqualTo(3);
        assertThat(sandbox.postCalls()).as("the trickled reply, then the call that learns they exist").isEqualTo(2);
    }

    @Test
    void aReplyWhoseHeadersComeAfterTheCallTimeoutIsNoReply() {
        // the response-timeout (5 s in these tests) would wait for it: the call-timeout does not
        start(SandboxSettings.defaults(), Map.of("sender.http.call-timeout", "1000"));
        sandbox.faults().createThenAnswerLateNext(1, java.time.Duration.ofSeconds(3));
        app.drop("late.csv", SenderFiles.csv(3));
        app.awaitTaken("late.csv");

        assertThat(app.failureRows("late")).isEmpty();
        assertThat(app.successRows("late")).hasSize(3).allSatisfy(r ->
                assertThat(r.get("message")).contains("created by an earlier call whose reply was lost"));
        assertThat(sandbox.createdCount()).isEqualTo(3);
        assertThat(sandbox.postCalls()).isEqualTo(2);
    }

    @Test
    void aReplyLargerThanTheCapIsAnUnknownOutcomeAndARedropCreatesTheSenders() throws IOException {
        start(SandboxSettings.defaults(), Map.of("sender.http.max-reply-bytes", "100000"));
        sandbox.faults().answerHugeReplyNext(1, 300_000);
        app.drop("huge.csv", SenderFiles.csv(3));
        app.awaitTaken("huge.csv");

        assertThat(app.successRows("huge")).isEmpty();
        assertThat(app.failureRows("huge")).hasSize(3).allSatisfy(r -> {
            assertThat(r.get("error_code")).isEqualTo("UNEXPECTED_RESPONSE");
            assertThat(r.get("error_message")).contains("HTTP 200", "larger than 100000 bytes", "outcome unknown");
        });
        assertThat(ledger().all(SID).values()).hasSize(3).allSatisfy(e -> assertThat(e.state()).isEqualTo(LedgerEntry.PENDING));

        app.drop("huge-again.csv", Files.readString(Outputs.files(app.failureDir(), "huge").get(0)));
        app.awaitTaken("huge-again.csv");
        assertThat(sandbox.createdCount()).isEqualTo(3);
        assertThat(app.successRows("huge-again")).hasSize(3).allSatisfy(r -> assertThat(r.get("kaleyra_id")).isNotBlank());
    }

    @Test
    void aReplyEndedCleanlyHalfWayIsCutOffAndKeepsTheIdsThatArrived() {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().createThenEndReplyEarlyNext(1);
        app.drop("ended.csv", SenderFiles.csv(40));
        app.awaitTaken("ended.csv");

        assertCutOffReplyResolved("ended", 40);
    }

    @Test
    void aReplyCutByTheConnectionKeepsTheIdsThatArrived() {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().createThenCutReplyNext(1);
        app.drop("cut.csv", SenderFiles.csv(40));
        app.awaitTaken("cut.csv");

        assertCutOffReplyResolved("cut", 40);
    }

    private void assertCutOffReplyResolved(String base, int records) {
        assertThat(app.failureRows(base)).isEmpty();
        List<Map<String, String>> rows = app.successRows(base);
        assertThat(rows).hasSize(records).allSatisfy(r ->
                assertThat(r.get("message")).contains("created by an earlier call whose reply was cut off"));
        List<Map<String, String>> withId = rows.stream().filter(r -> !r.get("kaleyra_id").isBlank()).toList();
        assertThat(withId).as("the ids in the half that arrived").isNotEmpty().hasSizeLessThan(records)
                .allSatisfy(r -> assertThat(r.get("kaleyra_id"))
                        .isEqualTo(String.valueOf(sandbox.find("in", r.get("sender")).orElseThrow().id())));
        assertThat(rows).filteredOn(r -> r.get("kaleyra_id").isBlank())
                .allSatisfy(r -> assertThat(r.get("message")).contains("its id did not arrive"));
        assertThat(sandbox.createdCount()).isEqualTo(records);
        assertThat(sandbox.postCalls()).as("the cut reply, then the call that learns they exist").isEqualTo(2);
        app.assertEveryRecordOnce(base, records);
    }

    @Test
    void aRedirectIsNotFollowedAndTheMessageNamesWhereItPointed() {
        start(SandboxSettings.defaults(), Map.of());
        // to the sandbox's own sender path: had it been followed, the senders would be created
        String location = sandbox.baseUrl() + "/v1/" + SID + "/sms/sender";
        sandbox.faults().redirectNext(1, 307, location);
        app.drop("moved.csv", SenderFiles.csv(2));
        app.awaitTaken("moved.csv");

        assertThat(sandbox.postCalls()).isEqualTo(1);
        assertThat(sandbox.createdCount()).isZero();
        assertThat(app.failureRows("moved")).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("error_code")).isEqualTo("UNEXPECTED_RESPONSE");
            assertThat(r.get("error_message")).contains("HTTP 307 redirect to " + location, "not followed", "kaleyra.base-url");
        });
    }

    private SenderLedger ledger() {
        return app.context().getRegistry().lookupByNameAndType("senderLedger", SenderLedger.class);
    }
}
