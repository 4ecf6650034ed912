package org.senderroute.route.unit;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.BeanInject;
import org.apache.camel.Body;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.senderroute.domain.RunVerdict;
import org.senderroute.intake.DropArchiveStrategy;
import org.senderroute.kaleyra.AccountCallRate;
import org.senderroute.kaleyra.CallSlots;
import org.senderroute.kaleyra.KaleyraAccount;
import org.senderroute.kaleyra.KaleyraCallRouting;
import org.senderroute.kaleyra.KaleyraReply;
import org.senderroute.kaleyra.KaleyraReplyParser;
import org.senderroute.ledger.CallRate;
import org.senderroute.support.LocalFaultException;

import static org.assertj.core.api.Assertions.assertThat;

/** Route 30 (kaleyra-call): each kind of reply Kaleyra may give, or its absence, goes to its own handler. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(
        properties = {
            "camel.main.routes-include-pattern=file:routes/00-errors.camel.yaml,file:routes/30-call-kaleyra.camel.yaml",
            "camel.main.route-filter-include-pattern=kaleyra-call",
            "sender.http.max-requests-per-second=1000",
            "sender.http.connect-timeout=1000",
            "sender.http.response-timeout=1000"
        },
        configurationClasses = KaleyraReplyRoutingTest.Beans.class,
        advices = @AdviceRouteMapping(route = "kaleyra-call", advice = KaleyraReplyRoutingTest.KaleyraAnswersFromMock.class))
class KaleyraReplyRoutingTest {

    private static final String CREATED = "{\"code\":\"MSG106\",\"message\":\"created\",\"data\":[{\"id\":\"11\",\"sender\":\"AAAAAA\"}]}";

    @EndpointInject("mock:kaleyra")
    MockEndpoint kaleyra;

    @EndpointInject("direct:kaleyra-call")
    ProducerTemplate call;

    @BeanInject("kaleyraReplies")
    RecordingReplies replies;

    private final KaleyraAccount account = new KaleyraAccount("default", "kaleyra", "SID", "api-key-0123456789",
            "http://kaleyra.invalid", "/messages/sender");

    @BeforeEach
    void forget() {
        replies.handled.clear();
        kaleyra.reset();
    }

    @Test
    void onlyA200Msg106WithADataArrayIsASuccess() {
        assertThat(answer(200, CREATED)).containsExactly("accepted 200 MSG106");
        assertThat(answer(200, "{\"code\":\"MSG106\",\"message\":\"created\"}")).containsExactly("unexpected 200 MSG106");
        assertThat(answer(200, "<html>ok</html>")).containsExactly("unexpected 200 ");
        assertThat(answer(201, CREATED)).containsExactly("unexpected 201 MSG106");
    }

    @Test
    void a400IsRoutedOnKaleyrasCode() {
        assertThat(answer(400, "{\"code\":\"MSG134\",\"error\":{\"0\":\"Sender ID is invalid\"}}"))
                .containsExactly("entriesRejected 400 MSG134");
        assertThat(answer(400, "{\"code\":\"RBC192\",\"message\":\"over capacity\"}"))
                .containsExactly("overCapacity 400 RBC192");
        assertThat(answer(400, "{\"code\":\"E999\",\"message\":\"something else\"}"))
                .containsExactly("unexpected 400 E999");
    }

    @Test
    void refusedCredentialsAreTheirOwnCase() {
        assertThat(answer(401, "{\"code\":\"RBC001\"}")).containsExactly("credentialsRefused 401 RBC001");
        assertThat(answer(403, "")).containsExactly("credentialsRefused 403 ");
    }

    @Test
    void tooManyRequestsAndServerErrorsAreRetried() {
        assertThat(answer(429, "")).containsExactly("retryLater 429 ");
        assertThat(answer(500, "{\"code\":\"RBC500\"}")).containsExactly("retryLater 500 RBC500");
        assertThat(answer(503, "<html>down</html>")).containsExactly("retryLater 503 ");
    }

    @Test
    void aRedirectIsAnUnexpectedReply() {
        kaleyra.whenAnyExchangeReceived(e -> {
            reply(e, 302, "");
            e.getMessage().setHeader("Location", "https://elsewhere.invalid/");
        });

        assertThat(send()).containsExactly("unexpected 302 ");
    }

    @Test
    void aCallWithoutAReplyIsNoReply() {
        kaleyra.whenAnyExchangeReceived(e -> {
            throw new SocketTimeoutException("Read timed out");
        });

        assertThat(send()).containsExactly("noReply SocketTimeoutException");
    }

    @Test
    void aReplyCutOffHalfWayIsNoReply() {
        assertThat(answer(200, "{\"code\":\"MSG106\",\"data\":[{\"id\":\"11\",")).containsExactly("noReply ReplyCutOffException");
    }

    @Test
    void aLocalFaultWhileHandlingAReplyGoesToNoReplyWhichDecidesNotToCallAgain() {
        replies.failOnAccepted = true;
        try {
            assertThat(answer(200, CREATED)).containsExactly("accepted 200 MSG106", "noReply LocalFaultException");
        } finally {
            replies.failOnAccepted = false;
        }
    }

    // ---- one call, answered by the mock

    private List<String> answer(int status, String body) {
        kaleyra.whenAnyExchangeReceived(e -> reply(e, status, body));
        return send();
    }

    private static void reply(Exchange e, int status, String body) {
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setBody(body);
    }

    private List<String> send() {
        replies.handled.clear();
        Exchange done = call.send(e -> e.setProperty("kaleyraAccount", account));
        assertThat(done.getException()).as("the call route lets no exception out").isNull();
        assertThat(kaleyra.getReceivedCounter()).as("one call per request").isPositive();
        return List.copyOf(replies.handled);
    }

    /** The beans route 30 calls: the reply handlers record which of them was called. */
    public static final class Beans implements CamelConfiguration {

        @Override
        public void configure(CamelContext context) {
            context.getRegistry().bind("kaleyraReplies", new RecordingReplies());
            context.getRegistry().bind("kaleyraReplyParser", new KaleyraReplyParser());
            KaleyraCallRouting.bindTo(context.getRegistry());
            context.getRegistry().bind("callSlots", new CallSlots(1));
            context.getRegistry().bind("callRate", new AccountCallRate(CallRate.perInstance()));
            context.getRegistry().bind("runVerdict", new RunVerdict());
            // the error handler of routes/00 leaves a file in its drop when the ledger's database cannot be reached
            context.getRegistry().bind("dropArchive", new DropArchiveStrategy<>(Clock.systemUTC()));
        }
    }

    /** Kaleyra is the mock: the call's HTTP endpoint is replaced. */
    public static final class KaleyraAnswersFromMock extends AdviceWithRouteBuilder {

        @Override
        public void configure() {
            weaveByType(ToDynamicDefinition.class).replace().to("mock:kaleyra");
        }
    }

    /** Stands for the conversation's handlers: records the handler each reply reached. */
    public static final class RecordingReplies {

        final List<String> handled = new CopyOnWriteArrayList<>();
        volatile boolean failOnAccepted;

        public long backoffMillis() {
            return 0;
        }

        public String nextRequestBody() {
            return "{\"data\":[{\"sender\":\"AAAAAA\",\"description\":\"d\",\"iso_code\":\"in\"}]}";
        }

        public void accepted(@Body KaleyraReply reply) {
            record("accepted", reply);
            if (failOnAccepted) {
                throw new LocalFaultException(Path.of("senders.success.csv"), new IOException("No space left on device"));
            }
        }

        public void entriesRejected(@Body KaleyraReply reply) {
            record("entriesRejected", reply);
        }

        public void overCapacity(@Body KaleyraReply reply) {
            record("overCapacity", reply);
        }

        public void credentialsRefused(@Body KaleyraReply reply) {
            record("credentialsRefused", reply);
        }

        public void retryLater(@Body KaleyraReply reply) {
            record("retryLater", reply);
        }

        public void unexpected(@Body KaleyraReply reply) {
            record("unexpected", reply);
        }

        public void noReply(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
            handled.add("noReply " + e.getClass().getSimpleName());
        }

        /** The error handler's step: the batch ended on an error. */
        public void abandoned() {
            handled.add("abandoned");
        }

        private void record(String handler, KaleyraReply reply) {
            handled.add(handler + " " + reply.getStatus() + " " + reply.getCode());
        }
    }
}
