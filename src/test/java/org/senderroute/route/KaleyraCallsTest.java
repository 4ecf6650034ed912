package org.senderroute.route;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches, and the routing of every kind of reply, against the sandbox over HTTP. */
class KaleyraCallsTest extends SandboxRouteTest {


    @Test
    void batchesAreBoundedAndTheLastPartialBatchGoesOutWhenTheFileEnds() {
        start(SandboxSettings.defaults(), Map.of());
        app.drop("big.csv", SenderFiles.csv(12_345));
        app.awaitTaken("big.csv", Duration.ofSeconds(60));

        assertThat(sandbox.requestSizes()).containsExactlyInAnyOrder(5000, 5000, 2345);
        assertThat(sandbox.createdCount()).isEqualTo(12_345);
        assertThat(app.failureRows("big")).isEmpty();
        app.assertEveryRecordOnce("big", 12_345);
    }

    @Test
    void msg134FailsTheNamedEntriesAndResubmitsTheRest() {
        start(SandboxSettings.defaults().withPreRegistered("in:" + SenderFiles.sender(1), "in:" + SenderFiles.sender(8),
                "in:" + SenderFiles.sender(20)), Map.of());
        app.drop("partial.csv", SenderFiles.csv(20));
        app.awaitTaken("partial.csv");

        assertThat(RouteHarness.byRecord(app.failureRows("partial"), "error_message"))
                .containsOnlyKeys("1", "8", "20").allSatisfy((k, v) -> assertThat(v).isEqualTo("Sender ID Already exist."));
        assertThat(app.successRows("partial")).hasSize(17).allSatisfy(r -> assertThat(r.get("kaleyra_id")).isNotBlank());
        assertThat(sandbox.requestSizes()).containsExactly(20, 17);
        app.assertEveryRecordOnce("partial", 20);
    }

    @Test
    void msg134IsResubmittedUntilNothingIsLeftWhenEveryRoundNamesOthers() {
        start(SandboxSettings.defaults(), Map.of());
        // every other round the sandbox rejects a different entry: first a bad one, then an already existing one
        sandbox.faults().failNext(1, 400, """
                {"code":"MSG134","message":"Sender IDs not created","data":[],
                 "error":{"2":{"sender":"Sender ID Already exist.","sender_name":"X"},"4":{"sender":"Sender ID has to be registered and it can only be 6 character","sender_name":"Y"}}}""", null);
        sandbox.faults().failNext(1, 400, """
                {"code":"MSG134","message":"Sender IDs not created","data":[],"error":{"0":{"sender":"Sender ID Already exist.","sender_name":"Z"}}}""", null);
        app.drop("rounds.csv", SenderFiles.csv(6));
        app.awaitTaken("rounds.csv");

        // round 1 names records 3 and 5; round 2 (records 1,2,4,6) names its index 0 = record 1
        assertThat(RouteHarness.byRecord(app.failureRows("rounds"), "error_code")).containsOnlyKeys("1", "3", "5");
        assertThat(app.successRows("rounds")).extracting(r -> r.get("record")).containsExactlyInAnyOrder("2", "4", "6");
        assertThat(sandbox.requestSizes()).containsExactly(6, 4, 3);
        app.assertEveryRecordOnce("rounds", 6);
    }

    @Test
    void overCapacityHalvesTheRequestUntilTheServerTakesIt() {
        start(SandboxSettings.defaults().withCapacity(700), Map.of("sender.batch.size", "5000"));
        app.drop("capacity.csv", SenderFiles.csv(6000));
        app.awaitTaken("capacity.csv", Duration.ofSeconds(60));

        assertThat(sandbox.createdCount()).isEqualTo(6000);
        assertThat(app.failureRows("capacity")).isEmpty();
        List<Integer> accepted = sandbox.requestSizes().stream().filter(n -> n <= 700).toList();
        assertThat(accepted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(6000);
        // the size the server took is remembered: only a few calls are refused in all, not a halving per batch
        assertThat(sandbox.requestSizes()).filteredOn(n -> n > 700).isNotEmpty().hasSizeLessThanOrEqualTo(4);
        app.assertEveryRecordOnce("capacity", 6000);
    }

    @Test
    void refusedCredentialsFailEveryRecordWithoutARetryStorm() {
        start(SandboxSettings.defaults().withApiKey("the-real-key-000000"), Map.of("kaleyra.api-key", "a-wrong-key-0000000",
                "sender.batch.size", "5", "sender.http.max-concurrent-calls", "2"));
        app.drop("auth.csv", SenderFiles.csv(35));
        app.awaitTaken("auth.csv");

        assertThat(sandbox.postCalls()).as("7 batches, at most the calls already in flight").isLessThanOrEqualTo(2);
        assertThat(app.failureRows("auth")).hasSize(35).allSatisfy(r -> {
            assertThat(r.get("error_code")).isEqualTo("AUTH_REFUSED");
            assertThat(r.get("error_message")).contains("401", "RBC001", "kaleyra.api-key");
        });
        app.assertEveryRecordOnce("auth", 35);
    }

    @Test
    void a503IsRetriedThenSucceeds() {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().failNext(1, 503, "{\"code\":\"RBC500\",\"message\":\"Service unavailable\"}", null);
        app.drop("flaky.csv", SenderFiles.csv(5));
        app.awaitTaken("flaky.csv");

        assertThat(sandbox.postCalls()).isEqualTo(2);
        assertThat(app.successRows("flaky")).hasSize(5);
        assertThat(app.failureRows("flaky")).isEmpty();
    }

    @Test
    void a429WaitsForRetryAfter() {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().failNext(1, 429, "{\"code\":\"RBC429\",\"message\":\"Too many requests\"}", 2);
        long started = System.nanoTime();
        app.drop("slow.csv", SenderFiles.csv(3));
        app.awaitTaken("slow.csv");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(app.successRows("slow")).hasSize(3);
    }

    @Test
    void serverErrorsThatOutlastTheRetriesFailTheRecordsAsTransient() {
        start(SandboxSettings.defaults(), Map.of("sender.http.retry.max-attempts", "3", "sender.batch.size", "4",
                "sender.http.max-concurrent-calls", "1"));
        sandbox.faults().failNext(10, 502, "<html>bad gateway</html>", null);
        app.drop("down.csv", SenderFiles.csv(10));
        app.awaitTaken("down.csv");

        assertThat(sandbox.postCalls()).as("3 attempts for the first batch, none for the rest of the file").isEqualTo(3);
        assertThat(app.failureRows("down")).hasSize(10).allSatisfy(r -> assertThat(r.get("error_code")).isEqualTo("API_UNAVAILABLE"));
        assertThat(app.failureRows("down").get(0).get("error_message")).contains("HTTP 502", "bad gateway", "3 attempts");
        app.assertEveryRecordOnce("down", 10);
    }

    @Test
    void aDroppedConnectionIsRetried() {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().dropConnectionNext(1);
        app.drop("dropped.csv", SenderFiles.csv(4));
        app.awaitTaken("dropped.csv");

        assertThat(sandbox.postCalls()).isEqualTo(2);
        assertThat(app.successRows("dropped")).hasSize(4).allSatisfy(r -> assertThat(r.get("kaleyra_id")).isNotBlank());
    }

    @Test
    void aTimedOutCallThatCreatedTheSendersDoesNotTurnThemIntoFailures() {
        start(SandboxSettings.defaults(), Map.of("sender.http.response-timeout", "500"));
        sandbox.faults().createThenAnswerLateNext(1, Duration.ofSeconds(2));
        app.drop("late.csv", SenderFiles.csv(3));
        app.awaitTaken("late.csv");

        assertThat(app.failureRows("late")).isEmpty();
        assertThat(app.successRows("late")).hasSize(3).allSatisfy(r ->
                assertThat(r.get("message")).contains("created by an earlier call"));
        assertThat(sandbox.createdCount()).isEqualTo(3);
    }

    @Test
    void aReplyCutOffHalfWayIsNoReplyAndItsCreatedSendersStaySuccesses() {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().createThenCutReplyNext(1);
        app.drop("cut.csv", SenderFiles.csv(40));
        app.awaitTaken("cut.csv");

        assertThat(app.failureRows("cut")).isEmpty();
        assertThat(app.successRows("cut")).hasSize(40).allSatisfy(r ->
                assertThat(r.get("message")).contains("created by an earlier call"));
        assertThat(sandbox.createdCount()).isEqualTo(40);
        assertThat(sandbox.postCalls()).as("the cut reply, then the call that learns they exist").isEqualTo(2);
    }

    @Test
    void aReplyThatIsNotJsonFailsTheRecordsWithItsStart() {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().failNext(1, 400, "<html><body>Bad\n   gateway   page " + "x".repeat(400) + "</body></html>", null);
        app.drop("html.csv", SenderFiles.csv(2));
        app.awaitTaken("html.csv");

        assertThat(app.failureRows("html")).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("error_code")).isEqualTo("UNEXPECTED_RESPONSE");
            assertThat(r.get("error_message")).contains("HTTP 400", "<html><body>Bad gateway page xxx", "xxx... (not JSON)");
        });
    }

    @Test
    void anUnexpectedReplyFailsTheRecordsWithStatusAndBody() {
        start(SandboxSettings.defaults(), Map.of());
        sandbox.faults().failNext(1, 418, "I'm a teapot", null);
        app.drop("odd.csv", SenderFiles.csv(2));
        app.awaitTaken("odd.csv");

        assertThat(app.failureRows("odd")).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("error_code")).isEqualTo("UNEXPECTED_RESPONSE");
            assertThat(r.get("error_message")).contains("HTTP 418", "teapot");
        });
    }

    @Test
    void batchesAreSettledConcurrentlyButNeverMoreCallsThanConfigured() {
        start(SandboxSettings.defaults().withLatency(Duration.ofMillis(150)), Map.of("sender.batch.size", "10",
                "sender.http.max-concurrent-calls", "3"));
        sandbox.faults().failNext(2, 503, "{}", null);
        app.drop("many-a.csv", SenderFiles.csv(200));
        app.awaitTaken("many-a.csv");

        assertThat(sandbox.maxConcurrentPosts()).isEqualTo(3);
        assertThat(sandbox.createdCount()).isEqualTo(200);
        app.assertEveryRecordOnce("many-a", 200);
    }

    @Test
    void callsPerSecondAreLimited() {
        start(SandboxSettings.defaults(), Map.of("sender.batch.size", "1", "sender.http.max-requests-per-second", "2"));
        long started = System.nanoTime();
        app.drop("paced.csv", SenderFiles.csv(7));
        app.awaitTaken("paced.csv");

        assertThat(sandbox.postCalls()).isEqualTo(7);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("7 calls at 2 per second").isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        app.assertEveryRecordOnce("paced", 7);
    }
}
