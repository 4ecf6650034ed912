package org.senderroute.kaleyra;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.batch.SenderBatch;
import org.senderroute.deliver.FileRuns;
import org.senderroute.domain.Failure;
import org.senderroute.domain.FileRun;
import org.senderroute.domain.RunVerdict;
import org.senderroute.domain.SenderRequest;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.observe.SenderMetrics;
import org.senderroute.support.LocalFaultException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The conversation of one batch on its own: Kaleyra's replies handed to it as the call route would, a ledger in memory,
 * the rows written to a real file run; no HTTP.
 */
class KaleyraConversationTest {

    private static final String SID = "HXAP1234567890";
    private static final String API_KEY = "key-0123456789abcdef";
    private static final CsvMapper CSV = new CsvMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final CamelContext camel = new DefaultCamelContext();
    private final InMemorySenderLedger ledger = new InMemorySenderLedger();
    private final RunVerdict verdict = new RunVerdict();
    private final KaleyraAccount account = new KaleyraAccount("default", "kaleyra", SID, API_KEY, "http://127.0.0.1:9",
            "/messages/sender");
    private SenderMetrics metrics;
    private FileRun run;
    private KaleyraConversations conversations;

    @BeforeEach
    void openRun() throws IOException {
        metrics = new SenderMetrics(camel);
        run = new FileRuns(dir, Clock.systemUTC(), null, metrics, Duration.ofHours(1)).open("senders.csv",
                new DefaultExchange(camel));
        conversations = new KaleyraConversations(new RetryPolicy(2, Duration.ofMillis(10), 2.0, Duration.ofMillis(100)),
                verdict, ledger, metrics);
    }

    @AfterEach
    void closeCamel() throws Exception {
        camel.close();
    }

    @Test
    void aSuccessCreatesEverySenderWithTheIdOfItsEntryByPositionOrElseBySender() throws IOException {
        List<SenderRequest> senders = senders("AAAAAA", "BBBBBB", "CCCCCC");
        KaleyraConversation c = start(senders);

        assertThat(send(c)).containsExactly("AAAAAA", "BBBBBB", "CCCCCC");
        c.onAccepted(accepted(created("31", "CCCCCC"), created("11", "AAAAAA")));

        assertThat(c.isOpen()).isFalse();
        close(c);
        assertThat(successes()).extracting(row -> row.get("sender") + "=" + row.get("kaleyra_id"))
                .containsExactly("AAAAAA=11", "BBBBBB=", "CCCCCC=31");
        assertThat(successes().get(1).get("message")).contains("accepted (HTTP 200 MSG106")
                .endsWith("but the reply lists no entry for this sender");
        assertThat(failures()).isEmpty();
        assertThat(ledger.all(SID).get(SenderLedger.key(senders.get(0))).kaleyraId()).isEqualTo("11");
        assertThat(ledger.events()).containsExactly("callStarted 3", "created 3", "callsSettled 1");
        assertThat(ledger.pendingCalls()).isZero();
        assertThat(verdict.exitCode()).isEqualTo(RunVerdict.OK);
    }

    @Test
    void entriesAMsg134NamesFailAndTheOthersAreSentAgainAlone() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD"));

        send(c);
        c.onEntriesRejected(rejected(Map.of(1, "Sender ID is invalid", 3, "Description is too long")));

        assertThat(c.isOpen()).isTrue();
        assertThat(send(c)).containsExactly("AAAAAA", "CCCCCC");
        c.onAccepted(accepted(created("11", "AAAAAA"), created("31", "CCCCCC")));
        close(c);
        assertThat(successes()).extracting(row -> row.get("sender")).containsExactly("AAAAAA", "CCCCCC");
        assertThat(failures()).extracting(row -> row.get("sender") + ": " + row.get("error_code") + " " + row.get("error_message"))
                .containsExactly("BBBBBB: MSG134 Sender ID is invalid", "DDDDDD: MSG134 Description is too long");
        assertThat(ledger.events()).containsExactly("callStarted 4", "rejected 2", "callStarted 2", "created 2", "callsSettled 2");
    }

    @Test
    void aMsg134ThatNamesNoEntryOfTheRequestFailsTheWholeRequest() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA", "BBBBBB"));

        send(c);
        c.onEntriesRejected(rejected(Map.of(7, "Sender ID is invalid")));

        assertThat(c.isOpen()).isFalse();
        close(c);
        assertThat(failures()).extracting(row -> row.get("error_code")).containsExactly("MSG134", "MSG134");
        assertThat(failures().get(0).get("error_message")).startsWith("Kaleyra rejected the request without naming entries");
    }

    @Test
    void anOverCapacityReplyHalvesTheRequestAndTheAccountRemembersTheSize() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD"));

        send(c);
        c.onOverCapacity(status(400, "RBC192", "Request is over capacity"));

        assertThat(account.capacity()).isEqualTo(2);
        assertThat(send(c)).containsExactly("AAAAAA", "BBBBBB");
        c.onAccepted(accepted(created("11", "AAAAAA"), created("21", "BBBBBB")));
        assertThat(send(c)).containsExactly("CCCCCC", "DDDDDD");
        c.onAccepted(accepted(created("31", "CCCCCC"), created("41", "DDDDDD")));
        close(c);

        KaleyraConversation next = start(senders("EEEEEE", "FFFFFF", "GGGGGG"));
        assertThat(send(next)).containsExactly("EEEEEE", "FFFFFF");
        next.onAccepted(accepted(created("51", "EEEEEE"), created("61", "FFFFFF")));
        assertThat(send(next)).containsExactly("GGGGGG");
        next.onAccepted(accepted(created("71", "GGGGGG")));
        close(next);
        assertThat(successes()).hasSize(7);
    }

    @Test
    void aSingleSenderOverCapacityFails() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA"));

        send(c);
        c.onOverCapacity(status(400, "RBC192", "Request is over capacity"));

        assertThat(c.isOpen()).isFalse();
        close(c);
        assertThat(failures()).singleElement().satisfies(row -> {
            assertThat(row.get("error_code")).isEqualTo(Failure.OVER_CAPACITY);
            assertThat(row.get("error_message")).startsWith("Kaleyra refused even a single sender as over capacity");
        });
    }

    @Test
    void refusedCredentialsFailTheBatchAndNoLaterBatchIsSentWithThem() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA", "BBBBBB"));

        send(c);
        c.onCredentialsRefused(status(401, "RBC001", "Invalid API key"));

        assertThat(c.isOpen()).isFalse();
        close(c);
        assertThat(verdict.exitCode()).isEqualTo(RunVerdict.CREDENTIALS_REFUSED);
        KaleyraConversation next = start(senders("CCCCCC"));
        assertThat(next.isCredentialsRefused()).isTrue();
        next.notSentCredentialsRefused();
        close(next);
        assertThat(failures()).extracting(row -> row.get("error_code")).containsOnly(Failure.AUTH_REFUSED).hasSize(3);
        assertThat(failures().get(0).get("error_message")).startsWith("not created: Kaleyra refused the account's credentials")
                .contains("check kaleyra.sid and kaleyra.api-key");
        assertThat(failures().get(2).get("error_message")).startsWith("not sent: Kaleyra refused the account's credentials earlier");
        assertThat(ledger.events()).filteredOn(e -> e.startsWith("callStarted")).hasSize(1);
    }

    @Test
    void aRetryWaitsTheBackoffOrTheRetryAfterAndReadingTheWaitChangesNothing() {
        KaleyraConversation c = start(senders("AAAAAA"));

        assertThat(c.getBackoffMillis()).isZero();
        send(c);
        c.onRetryable(status(429, "", "Too many requests", "3"));

        assertThat(c.isOpen()).isTrue();
        assertThat(c.getBackoffMillis()).isEqualTo(3000);
        assertThat(c.getBackoffMillis()).isEqualTo(3000);
        send(c);
        assertThat(c.getBackoffMillis()).isZero();
    }

    @Test
    void a503UntilTheAttemptsAreSpentFailsTheFileAsApiUnavailableWithNothingLeftPending() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA", "BBBBBB"));

        send(c);
        c.onRetryable(status(503, "", "Service unavailable"));
        assertThat(c.getBackoffMillis()).isEqualTo(10);
        assertThat(send(c)).containsExactly("AAAAAA", "BBBBBB");
        c.onRetryable(status(503, "", "Service unavailable"));

        assertThat(c.isOpen()).isFalse();
        close(c);
        assertThat(failures()).extracting(row -> row.get("error_code")).containsOnly(Failure.API_UNAVAILABLE).hasSize(2);
        assertThat(failures().get(0).get("error_message")).startsWith("Kaleyra did not answer after 2 attempts (last: HTTP 503")
                .doesNotContain("pending");
        assertThat(verdict.exitCode()).isEqualTo(RunVerdict.API_UNAVAILABLE);
        assertThat(run.apiUnavailable()).isNotNull();
        assertThat(ledger.unresolved()).isEmpty();
        assertThat(ledger.events()).containsExactly("callStarted 2", "callStarted 2", "callsSettled 2");
    }

    @Test
    void a500UntilTheAttemptsAreSpentLeavesTheSendersPendingAndTheNextBatchIsNotSent() throws IOException {
        List<SenderRequest> senders = senders("AAAAAA", "BBBBBB");
        KaleyraConversation c = start(senders);

        send(c);
        c.onRetryable(status(500, "", "Internal error"));
        send(c);
        c.onRetryable(status(502, "", "Bad gateway"));
        close(c);

        assertThat(ledger.unresolved()).containsExactlyInAnyOrder(SenderLedger.key(senders.get(0)), SenderLedger.key(senders.get(1)));
        assertThat(ledger.events()).containsExactly("callStarted 2", "callStarted 2", "leftUnresolved 2");
        assertThat(ledger.pendingCalls()).isEqualTo(2);
        KaleyraConversation next = start(senders("CCCCCC"));
        assertThat(next.isApiGivenUp()).isTrue();
        next.notSentApiUnavailable();
        close(next);
        assertThat(failures()).extracting(row -> row.get("error_code")).containsOnly(Failure.API_UNAVAILABLE).hasSize(3);
        assertThat(failures().get(0).get("error_message")).contains("the ledger keeps them pending");
        assertThat(failures().get(2).get("error_message")).startsWith("not sent: Kaleyra was unavailable for an earlier batch");
    }

    @Test
    void afterATimedOutCallAlreadyExistMeansThatCallCreatedTheSender() throws IOException {
        List<SenderRequest> senders = senders("AAAAAA", "BBBBBB");
        KaleyraConversation c = start(senders);

        send(c);
        c.onNoReply(new CallTimeoutException(1000));
        assertThat(send(c)).containsExactly("AAAAAA", "BBBBBB");
        c.onEntriesRejected(rejected(Map.of(0, "Sender ID AAAAAA Already exist", 1, "Sender ID BBBBBB Already exist")));
        close(c);

        assertThat(failures()).isEmpty();
        assertThat(successes()).extracting(row -> row.get("message")).containsOnly("created by an earlier call whose reply"
                + " was lost; Kaleyra now answers: Sender ID AAAAAA Already exist (its id is not known: Kaleyra gives no way"
                + " to read a sender back)");
        assertThat(ledger.all(SID).get(SenderLedger.key(senders.get(1))).state()).isEqualTo(LedgerEntry.CREATED);
        assertThat(ledger.events()).containsExactly("callStarted 2", "callStarted 2", "created 2", "callsSettled 2");
    }

    @Test
    void afterARefusedConnectionAlreadyExistIsAFailure() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA"));

        send(c);
        c.onNoReply(new ConnectException("Connection refused"));
        send(c);
        c.onEntriesRejected(rejected(Map.of(0, "Sender ID AAAAAA Already exist")));
        close(c);

        assertThat(successes()).isEmpty();
        assertThat(failures()).extracting(row -> row.get("error_code") + " " + row.get("error_message"))
                .containsExactly("MSG134 Sender ID AAAAAA Already exist");
    }

    @Test
    void ofAReplyCutOffTheIdsThatArrivedAreKept() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA", "BBBBBB"));

        send(c);
        c.onNoReply(new ReplyCutOffException(200, List.of(created("11", "AAAAAA")), new IOException("Connection reset")));
        send(c);
        c.onEntriesRejected(rejected(Map.of(0, "Already exist", 1, "Already exist")));
        close(c);

        assertThat(successes()).extracting(row -> row.get("sender") + "=" + row.get("kaleyra_id"))
                .containsExactly("AAAAAA=11", "BBBBBB=");
        assertThat(successes().get(0).get("message")).startsWith("created by an earlier call whose reply was cut off")
                .endsWith("(its id is from the part of that reply that arrived)");
        assertThat(successes().get(1).get("message")).endsWith("(its id did not arrive, and Kaleyra gives no way to read a sender back)");
    }

    @Test
    void theLedgerDecidesBeforeAnythingIsSent() throws IOException {
        List<SenderRequest> senders = senders("AAAAAA", "BBBBBB");
        ledger.createdEarlier(SID, senders.get(0), "99");
        ledger.pendingEarlier(SID, senders.get(1));
        KaleyraConversation c = start(senders);

        assertThat(send(c)).containsExactly("BBBBBB");
        c.onEntriesRejected(rejected(Map.of(0, "Sender ID BBBBBB Already exist")));
        close(c);

        assertThat(successes()).extracting(row -> row.get("sender") + "=" + row.get("kaleyra_id"))
                .containsExactly("AAAAAA=99", "BBBBBB=");
        assertThat(successes().get(0).get("message")).startsWith("registered earlier by this module on 2026-11-20T10:00:00Z");
        assertThat(successes().get(1).get("message")).startsWith("created by an earlier call whose reply was lost");
    }

    @Test
    void anUnexpectedReplyLeavesTheOutcomeUnknownAndTheSendersPending() throws IOException {
        List<SenderRequest> senders = senders("AAAAAA", "BBBBBB");
        KaleyraConversation c = start(senders);

        send(c);
        c.onUnexpected(new KaleyraReply(200, "MSG106", "created", List.of(), Map.of(), false, null, null, "", "no data array"));
        close(c);

        assertThat(failures()).extracting(row -> row.get("error_code")).containsOnly(Failure.UNEXPECTED_RESPONSE).hasSize(2);
        assertThat(failures().get(0).get("error_message")).startsWith("unexpected reply from Kaleyra: HTTP 200 MSG106 created"
                + " (no data array); outcome unknown: the senders stay pending in the ledger");
        assertThat(ledger.unresolved()).hasSize(2);
        assertThat(ledger.events()).containsExactly("callStarted 2", "leftUnresolved 2");
        assertThat(ledger.pendingCalls()).isEqualTo(1);
    }

    @Test
    void aRedirectIsNotFollowedAndItsLocationNeverShowsTheApiKey() throws IOException {
        KaleyraConversation c = start(senders("AAAAAA"));

        send(c);
        c.onUnexpected(new KaleyraReply(302, "", "", List.of(), Map.of(), false, null,
                "https://elsewhere.example/login?key=" + API_KEY + "\r\n", "", ""));
        close(c);

        assertThat(failures()).singleElement().satisfies(row -> {
            assertThat(row.get("error_code")).isEqualTo(Failure.UNEXPECTED_RESPONSE);
            assertThat(row.get("error_message")).startsWith("HTTP 302 redirect to https://elsewhere.example/login?key=****cdef:"
                    + " not followed").doesNotContain(API_KEY);
        });
        assertThat(ledger.unresolved()).hasSize(1);
    }

    @Test
    void aLocalFaultAfterTheReplyIsThrownOnAndNeverCallsAgain() {
        List<SenderRequest> senders = senders("AAAAAA", "BBBBBB", "CCCCCC");
        KaleyraConversation c = start(senders);
        send(c);
        c.onNoReply(new CallTimeoutException(1000));
        send(c);
        c.onEntriesRejected(rejected(Map.of(0, "Sender ID is invalid")));
        LocalFaultException diskFull = new LocalFaultException(dir.resolve("senders.failure.csv"),
                new IOException("No space left on device"));

        assertThatThrownBy(() -> c.onNoReply(diskFull)).isSameAs(diskFull);

        // the reply's outcome was written first; the senders resubmitted after the unknown outcome stay pending
        assertThat(ledger.events()).containsExactly("callStarted 3", "callStarted 3", "rejected 1", "leftUnresolved 2", "flush");
        assertThat(ledger.unresolved()).containsExactlyInAnyOrder(SenderLedger.key(senders.get(1)), SenderLedger.key(senders.get(2)));
    }

    @Test
    void aCheckedFaultAfterTheReplyIsThrownOnAsALocalFailure() {
        KaleyraConversation c = start(senders("AAAAAA"));
        send(c);
        c.onAccepted(accepted(created("11", "AAAAAA")));
        IOException broken = new IOException("stream closed");

        assertThatThrownBy(() -> c.onNoReply(broken)).isInstanceOf(IllegalStateException.class).hasCause(broken)
                .hasMessageStartingWith("failed after Kaleyra's reply was received");
        assertThat(c.isOpen()).isFalse();
        assertThat(ledger.events()).containsExactly("callStarted 1", "created 1", "flush");
    }

    // ---- the batch, the calls and what they wrote

    private KaleyraConversation start(List<SenderRequest> senders) {
        return conversations.start(new SenderBatch(1, senders, List.of()), run, account);
    }

    private static List<SenderRequest> senders(String... names) {
        List<SenderRequest> senders = new ArrayList<>();
        for (String name : names) {
            senders.add(SenderRequest.of(senders.size() + 1, name, "Alerts of " + name, "in", "1201159100000000001"));
        }
        return senders;
    }

    /** Makes the next call of the conversation: the senders of its request body, in order. */
    private static List<String> send(KaleyraConversation c) {
        try (var in = c.nextRequestBody().getContent()) {
            List<String> names = new ArrayList<>();
            for (JsonNode entry : JSON.readTree(in).get("data")) {
                names.add(entry.get("sender").asText());
            }
            return names;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void close(KaleyraConversation c) {
        c.close();
    }

    private static KaleyraReply.Created created(String id, String sender) {
        return new KaleyraReply.Created(id, "Approved", sender, "", "Sender ID created");
    }

    private static KaleyraReply accepted(KaleyraReply.Created... created) {
        return new KaleyraReply(200, "MSG106", "Sender ID created", List.of(created), Map.of(), true, null, null, "", "");
    }

    private static KaleyraReply rejected(Map<Integer, String> entries) {
        return new KaleyraReply(400, "MSG134", "Invalid data", List.of(), new TreeMap<>(entries), false, null, null, "", "");
    }

    private static KaleyraReply status(int status, String code, String message) {
        return status(status, code, message, null);
    }

    private static KaleyraReply status(int status, String code, String message, String retryAfter) {
        return new KaleyraReply(status, code, message, List.of(), Map.of(), false, retryAfter, null, "", "");
    }

    private List<Map<String, String>> successes() throws IOException {
        return rows(run.successFile());
    }

    private List<Map<String, String>> failures() throws IOException {
        return rows(run.failureFile());
    }

    /** The rows written so far (the run's outputs are flushed first). */
    private List<Map<String, String>> rows(Path file) throws IOException {
        run.finish();
        if (!Files.exists(file)) {
            return List.of();
        }
        try (MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            return it.readAll();
        }
    }
}
