package org.senderroute.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class KaleyraSandboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SID = SandboxSettings.DEFAULT_SID;
    private static final String KEY = SandboxSettings.DEFAULT_API_KEY;
    private static final String MESSAGES_PATH = "/v1/" + SID + "/messages/sender";
    private static final String SMS_PATH = "/v1/" + SID + "/sms/sender";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<KaleyraSandbox> started = new ArrayList<>();

    @AfterEach
    void stopSandboxes() {
        started.forEach(KaleyraSandbox::stop);
    }

    // ---------------------------------------------------------------- creation

    @Test
    void createsSendersAndAnswersIdsInRequestOrder() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        assertThat(sandbox.baseUrl()).isEqualTo("http://127.0.0.1:" + sandbox.port());
        assertThat(sandbox.port()).isPositive();

        ArrayNode data = JSON.createArrayNode();
        data.add(entry("ABCDEF", "Transactional", "in", "123456789012"));
        data.add(entry("MyBrand", "Marketing UK", "gb", null));
        ObjectNode numeric = entry("123456", "Promotional", "IN", null);
        numeric.put("entity_id", new BigInteger("123456789012345678901234567890"));
        data.add(numeric);

        HttpResponse<String> response = post(sandbox, MESSAGES_PATH, body(data));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("code").asText()).isEqualTo("MSG106");
        assertThat(json.get("message").asText()).isEqualTo(KaleyraMessages.CREATED);
        assertThat(json.get("error").isObject()).isTrue();
        assertThat(json.get("error").size()).isZero();
        JsonNode items = json.get("data");
        assertThat(items).hasSize(3);
        assertThat(items.findValuesAsText("sender")).containsExactly("ABCDEF", "MyBrand", "123456");
        assertThat(items.findValuesAsText("status")).containsOnly("1");
        assertThat(items.findValuesAsText("code")).containsOnly("MSG106");
        assertThat(items.findValuesAsText("message")).containsOnly(KaleyraMessages.CREATED);
        assertThat(items.get(0).get("id").isIntegralNumber()).isTrue();
        assertThat(items.get(0).get("status").isTextual()).isTrue();
        List<Long> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.get("id").asLong()));
        assertThat(ids).containsExactly(60001L, 60002L, 60003L);

        assertThat(sandbox.registered()).extracting(RegisteredSender::sender)
                .containsExactly("ABCDEF", "MyBrand", "123456");
        assertThat(sandbox.createdCount()).isEqualTo(3);
        assertThat(sandbox.postCalls()).isEqualTo(1);
        assertThat(sandbox.requestSizes()).containsExactly(3);
        RegisteredSender held = sandbox.find("IN", "abcdef").orElseThrow();
        assertThat(held.id()).isEqualTo(60001L);
        assertThat(held.isoCode()).isEqualTo("in");
        assertThat(held.entityId()).isEqualTo("123456789012");
        assertThat(held.description()).isEqualTo("Transactional");
        assertThat(held.preRegistered()).isFalse();
        assertThat(sandbox.find("in", "123456").orElseThrow().entityId())
                .isEqualTo("123456789012345678901234567890");
        assertThat(sandbox.find("gb", "MYBRAND").orElseThrow().entityId()).isNull();

        HttpResponse<String> next = post(sandbox, MESSAGES_PATH, body(array(entry("NEXTID", "d", "in", "123456789012"))));
        assertThat(JSON.readTree(next.body()).get("data").get(0).get("id").asLong()).isEqualTo(60004L);
    }

    @Test
    void smsPathBehavesLikeMessagesPath() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults().withPreRegistered("in:ABCF01"));

        HttpResponse<String> ok = post(sandbox, SMS_PATH, body(array(entry("SMSONE", "d", "in", "123456789012"))));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("code").asText()).isEqualTo("MSG106");

        HttpResponse<String> exists = post(sandbox, SMS_PATH, body(array(entry("ABCF01", "d", "in", "123456789012"))));
        assertThat(exists.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(exists.body()).get("code").asText()).isEqualTo("MSG134");

        HttpResponse<String> unauthorized = send(sandbox, "POST", SMS_PATH, "wrong",
                body(array(entry("SMSTWO", "d", "in", "123456789012"))), null);
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(sandbox.find("in", "SMSONE")).isPresent();
        assertThat(sandbox.find("in", "SMSTWO")).isEmpty();
    }

    // ---------------------------------------------------------------- validation

    @Test
    void rejectsTheWholeRequestAndReportsEveryFaultyIndex() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults().withPreRegistered("in:ABCF01"));

        ArrayNode data = JSON.createArrayNode();
        data.add(entry("GOODIE", "fine", "in", "123456789012"));            // 0: valid on its own
        data.add(entry("ABCF992", "too long", "in", "123456789012"));       // 1: 7 characters
        data.add(entry("abcf01", "exists", "in", "123456789012"));          // 2: pre-registered, other case
        data.add(entry("NODESC", null, "in", "123456789012"));              // 3: no description
        data.add(entry("Brand", "bad iso", "zz", null));                    // 4: unknown ISO code
        data.add(entry("BADENT", "short entity", "in", "12345"));           // 5: entity id too short
        data.add(entry("AB", " ", "in", null));                             // 6: three faults at once
        data.add(entry(null, "no sender", null, "123456789012"));           // 7: no sender, no ISO code
        data.add(entry("ALNUM!", "symbol", "in", "1234567890123456789012345678901")); // 8: symbol, 31 digits

        HttpResponse<String> response = post(sandbox, MESSAGES_PATH, body(data));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("code").asText()).isEqualTo("MSG134");
        assertThat(json.get("message").asText()).isEqualTo("Sender IDs not created");
        assertThat(json.get("data").isArray()).isTrue();
        assertThat(json.get("data")).isEmpty();
        JsonNode error = json.get("error");
        List<String> keys = new ArrayList<>();
        error.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");

        assertThat(fields(error.get("1"))).containsExactly(
                Map.entry("sender", "Sender ID has to be registered and it can only be 6 character"),
                Map.entry("sender_name", "ABCF992"));
        assertThat(fields(error.get("2"))).containsExactly(
                Map.entry("sender", "Sender ID Already exist."),
                Map.entry("sender_name", "abcf01"));
        assertThat(fields(error.get("3"))).containsExactly(
                Map.entry("description", KaleyraMessages.DESCRIPTION_REQUIRED),
                Map.entry("sender_name", "NODESC"));
        assertThat(fields(error.get("4"))).containsExactly(
                Map.entry("iso_code", KaleyraMessages.ISO_CODE_INVALID),
                Map.entry("sender_name", "Brand"));
        assertThat(fields(error.get("5"))).containsExactly(
                Map.entry("entity_id",
                        "Entity ID should contain numbers and have a length of minimum 12 and maximum 30 characters."),
                Map.entry("sender_name", "BADENT"));
        assertThat(fields(error.get("6"))).containsExactly(
                Map.entry("sender", KaleyraMessages.SENDER_INDIA_FORMAT),
                Map.entry("description", KaleyraMessages.DESCRIPTION_REQUIRED),
                Map.entry("entity_id", KaleyraMessages.ENTITY_ID_INVALID),
                Map.entry("sender_name", "AB"));
        assertThat(error.get("7").get("sender").asText()).isEqualTo(KaleyraMessages.SENDER_REQUIRED);
        assertThat(error.get("7").get("iso_code").asText()).isEqualTo(KaleyraMessages.ISO_CODE_REQUIRED);
        assertThat(error.get("7").get("sender_name").isNull()).isTrue();
        assertThat(error.get("8").get("sender").asText()).isEqualTo(KaleyraMessages.SENDER_INDIA_FORMAT);
        assertThat(error.get("8").get("entity_id").asText()).isEqualTo(KaleyraMessages.ENTITY_ID_INVALID);

        assertThat(sandbox.registered()).extracting(RegisteredSender::sender).containsExactly("ABCF01");
        assertThat(sandbox.find("in", "GOODIE")).isEmpty();
        assertThat(sandbox.createdCount()).isZero();
        assertThat(sandbox.requestSizes()).containsExactly(9);
    }

    @Test
    void laterCopiesOfASenderInOneRequestAlreadyExist() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());

        ArrayNode data = array(
                entry("DUPONE", "first", "in", "123456789012"),
                entry("OTHER1", "other", "in", "123456789012"),
                entry("dupone", "second, other case", "in", "123456789012"),
                entry("DUPONE", "third", "IN", "123456789012"));
        HttpResponse<String> response = post(sandbox, MESSAGES_PATH, body(data));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.size()).isEqualTo(2);
        assertThat(fields(error.get("2"))).containsExactly(
                Map.entry("sender", "Sender ID Already exist."), Map.entry("sender_name", "dupone"));
        assertThat(fields(error.get("3"))).containsExactly(
                Map.entry("sender", "Sender ID Already exist."), Map.entry("sender_name", "DUPONE"));
        assertThat(sandbox.registered()).isEmpty();

        HttpResponse<String> otherCountry = post(sandbox, MESSAGES_PATH, body(array(
                entry("DUPONE", "india", "in", "123456789012"),
                entry("DUPONE", "uk", "gb", null))));
        assertThat(otherCountry.statusCode()).isEqualTo(200);
        assertThat(sandbox.registered()).extracting(RegisteredSender::isoCode).containsExactly("in", "gb");
    }

    @Test
    void refusesMoreSendersThanTheCapacity() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults().withCapacity(3));

        HttpResponse<String> tooMany = post(sandbox, MESSAGES_PATH, body(senders("CAPAA", 4)));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body())).isEqualTo(JSON.readTree(
                "{\"code\":\"RBC192\",\"message\":\"Exceeded max capacity of 3 senders\",\"data\":[],"
                        + "\"error\":{\"error\":\"Exceeded max capacity of 3 senders\"}}"));
        assertThat(sandbox.registered()).isEmpty();

        assertThat(post(sandbox, MESSAGES_PATH, body(senders("CAPAA", 3))).statusCode()).isEqualTo(200);

        sandbox.faults().capacity(2);
        HttpResponse<String> runtimeCap = post(sandbox, MESSAGES_PATH, body(senders("CAPAB", 3)));
        assertThat(JSON.readTree(runtimeCap.body()).get("message").asText())
                .isEqualTo("Exceeded max capacity of 2 senders");
        assertThat(sandbox.createdCount()).isEqualTo(3);
        assertThat(sandbox.requestSizes()).containsExactly(4, 3, 3);
    }

    @Test
    void refusesWrongApiKeyAndWrongSid() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults().withApiKey("right-key"));
        String payload = body(array(entry("AUTHID", "d", "in", "123456789012")));
        JsonNode expected = JSON.readTree("{\"code\":\"RBC001\",\"message\":\"Incorrect SID or API Key\","
                + "\"data\":[],\"error\":{\"error\":\"Incorrect SID or API Key\"}}");

        HttpResponse<String> wrongKey = send(sandbox, "POST", MESSAGES_PATH, "wrong-key", payload, null);
        HttpResponse<String> noKey = send(sandbox, "POST", MESSAGES_PATH, null, payload, null);
        HttpResponse<String> wrongSid = send(sandbox, "POST", "/v1/OTHERSID/messages/sender", "right-key",
                payload, null);
        HttpResponse<String> listWrongKey = send(sandbox, "GET", MESSAGES_PATH, "wrong-key", null, null);

        for (HttpResponse<String> response : List.of(wrongKey, noKey, wrongSid, listWrongKey)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(response.body())).isEqualTo(expected);
        }
        assertThat(sandbox.registered()).isEmpty();
        assertThat(sandbox.postCalls()).isEqualTo(3);

        assertThat(send(sandbox, "POST", MESSAGES_PATH, "right-key", payload, null).statusCode()).isEqualTo(200);
    }

    @Test
    void answersBadBodiesWithRbc400() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());

        Map<String, String> cases = Map.of(
                "{not json", KaleyraMessages.BAD_BODY_NOT_JSON,
                "", KaleyraMessages.BAD_BODY_NOT_JSON,
                "{\"data\":[]} trailing", KaleyraMessages.BAD_BODY_NOT_JSON,
                "{\"senders\":[]}", KaleyraMessages.BAD_BODY_NO_DATA,
                "{\"data\":{\"sender\":\"ABCDEF\"}}", KaleyraMessages.BAD_BODY_NO_DATA,
                "[1,2]", KaleyraMessages.BAD_BODY_NO_DATA,
                "{\"data\":[]}", KaleyraMessages.BAD_BODY_EMPTY_DATA);
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> response = post(sandbox, MESSAGES_PATH, c.getKey());
            assertThat(response.statusCode()).as(c.getKey()).isEqualTo(400);
            JsonNode json = JSON.readTree(response.body());
            assertThat(json.get("code").asText()).as(c.getKey()).isEqualTo("RBC400");
            assertThat(json.get("message").asText()).isEqualTo("Invalid request body");
            assertThat(json.get("data")).isEmpty();
            assertThat(json.get("error").get("error").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(sandbox.postCalls()).isEqualTo(7);
        assertThat(sandbox.requestSizes()).containsExactly(0);
    }

    @Test
    void answersOtherPathsAndMethodsWith404Json() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());

        HttpResponse<String> unknownPath = send(sandbox, "GET", "/v1/" + SID + "/messages", KEY, null, null);
        HttpResponse<String> put = send(sandbox, "PUT", MESSAGES_PATH, KEY, "{\"data\":[]}", null);
        HttpResponse<String> root = send(sandbox, "POST", "/", KEY, "{}", null);

        for (HttpResponse<String> response : List.of(unknownPath, put, root)) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("RBC404");
        }
    }

    // ---------------------------------------------------------------- listing

    @Test
    void listsWhatItHolds() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        KaleyraSandbox sandbox = start(SandboxSettings.defaults().withPreRegistered(List.of("in:ABCF01", "GB:Shop")));
        post(sandbox, MESSAGES_PATH, body(array(entry("LISTED", "listed one", "in", "123456789012"))));

        HttpResponse<String> response = send(sandbox, "GET", SMS_PATH, KEY, null, null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(response.body()).get("data");
        assertThat(data).hasSize(3);
        assertThat(data.findValuesAsText("sender")).containsExactly("ABCF01", "Shop", "LISTED");
        assertThat(data.findValuesAsText("iso_code")).containsExactly("in", "gb", "in");
        JsonNode listed = data.get(2);
        assertThat(listed.get("id").asLong()).isEqualTo(60003L);
        assertThat(listed.get("entity_id").asText()).isEqualTo("123456789012");
        assertThat(listed.get("description").asText()).isEqualTo("listed one");
        assertThat(Instant.parse(listed.get("created_at").asText())).isBetween(before, Instant.now());
        assertThat(data.get(0).get("entity_id").isNull()).isTrue();
        assertThat(sandbox.postCalls()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- faults

    @Test
    void failNextAnswersTheGivenStatusBodyAndRetryAfter() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        String throttled = "{\"code\":\"E429\",\"message\":\"Too many requests\"}";
        sandbox.faults().failNext(2, 429, throttled, 7).failNext(1, 503, null, null);
        String payload = body(array(entry("RETRYA", "d", "in", "123456789012")));

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = post(sandbox, MESSAGES_PATH, payload);
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo(throttled);
        }
        HttpResponse<String> unavailable = post(sandbox, MESSAGES_PATH, payload);
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Retry-After")).isEmpty();
        assertThat(JSON.readTree(unavailable.body()).get("code").asText()).isNotBlank();
        assertThat(sandbox.registered()).isEmpty();

        HttpResponse<String> ok = post(sandbox, MESSAGES_PATH, payload);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Retry-After")).isEmpty();
        assertThat(sandbox.createdCount()).isEqualTo(1);
        assertThat(sandbox.postCalls()).isEqualTo(4);
        assertThat(sandbox.requestSizes()).containsExactly(1, 1, 1, 1);
        assertThat(sandbox.faults().pending()).isZero();
    }

    @Test
    void dropConnectionNextClosesTheConnectionWithoutAnyResponse() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        sandbox.faults().dropConnectionNext(2);
        String payload = body(array(entry("DROPME", "d", "in", "123456789012")));

        for (int i = 0; i < 2; i++) {
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + MESSAGES_PATH))
                    .timeout(Duration.ofSeconds(20))
                    .header("api-key", KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(payload))
                    .build();
            long startNanos = System.nanoTime();
            assertThatThrownBy(() -> fresh.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(HttpTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(10));
        }
        assertThat(sandbox.registered()).isEmpty();
        assertThat(sandbox.postCalls()).isEqualTo(2);
        assertThat(sandbox.requestSizes()).containsExactly(1, 1);

        // the shared client, too, sees an IOException and the sandbox keeps serving afterwards
        sandbox.faults().dropConnectionNext(1);
        assertThatThrownBy(() -> post(sandbox, MESSAGES_PATH, payload))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);
        assertThat(post(sandbox, MESSAGES_PATH, payload).statusCode()).isEqualTo(200);
        assertThat(sandbox.postCalls()).isEqualTo(4);
        assertThat(sandbox.createdCount()).isEqualTo(1);
    }

    @Test
    void droppedConnectionSendsNoSingleByte() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        sandbox.faults().dropConnectionNext(1);
        byte[] payload = body(array(entry("RAWTCP", "d", "in", "123456789012"))).getBytes(StandardCharsets.UTF_8);
        String head = "POST " + MESSAGES_PATH + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + sandbox.port() + "\r\n"
                + "api-key: " + KEY + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + payload.length + "\r\n\r\n";

        try (Socket socket = new Socket("127.0.0.1", sandbox.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).as("end of stream before any response byte").isEqualTo(-1);
        }
        assertThat(sandbox.requestSizes()).containsExactly(1);
        assertThat(sandbox.registered()).isEmpty();
    }

    @Test
    void createThenAnswerLateCreatesWhileTheClientTimesOut() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        sandbox.faults().createThenAnswerLateNext(1, Duration.ofSeconds(3));
        String payload = body(array(entry("LATEID", "d", "in", "123456789012")));

        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + MESSAGES_PATH))
                .timeout(Duration.ofMillis(500))
                .header("api-key", KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        await().atMost(Duration.ofSeconds(2)).until(() -> sandbox.find("in", "LATEID").isPresent());
        assertThat(sandbox.createdCount()).isEqualTo(1);

        // the client's retry of the same batch meets the sender it did not hear about
        HttpResponse<String> retry = post(sandbox, MESSAGES_PATH, payload);
        assertThat(retry.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(retry.body()).get("error").get("0").get("sender").asText())
                .isEqualTo("Sender ID Already exist.");
    }

    @Test
    void createThenAnswerLateAnswersNormallyAfterTheDelay() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        sandbox.faults().createThenAnswerLateNext(1, Duration.ofMillis(1200));

        long startNanos = System.nanoTime();
        HttpResponse<String> response = post(sandbox, MESSAGES_PATH, body(array(entry("LATEOK", "d", "in", "123456789012"))));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("MSG106");
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
        assertThat(sandbox.faults().pending()).isZero();
        long quickStart = System.nanoTime();
        post(sandbox, MESSAGES_PATH, body(array(entry("QUICK1", "d", "in", "123456789012"))));
        assertThat(Duration.ofNanos(System.nanoTime() - quickStart)).isLessThan(Duration.ofMillis(1000));
    }

    @Test
    void createThenTrickleReplyCreatesThenSendsTheReplyOneByteAtATime() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        sandbox.faults().createThenTrickleReplyNext(1, Duration.ofMillis(5));

        long startNanos = System.nanoTime();
        HttpResponse<String> response = post(sandbox, MESSAGES_PATH, body(array(entry("TRICKL", "d", "in", "123456789012"))));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue(Integer.toString(response.body().length()));
        assertThat(JSON.readTree(response.body()).get("data").get(0).get("sender").asText()).isEqualTo("TRICKL");
        assertThat(elapsed).as("a pause after each byte").isGreaterThanOrEqualTo(Duration.ofMillis(5L * response.body().length()));
        assertThat(sandbox.createdCount()).isEqualTo(1);
        assertThat(sandbox.faults().pending()).isZero();
    }

    @Test
    void createThenEndReplyEarlyEndsTheBodyCleanlyHalfWayThroughItsJson() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        sandbox.faults().createThenEndReplyEarlyNext(1);

        HttpResponse<String> response = post(sandbox, MESSAGES_PATH, body(senders("ENDS", 4)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.body()).startsWith("{\"code\":\"MSG106\"").doesNotEndWith("}");
        assertThatThrownBy(() -> JSON.readTree(response.body())).isInstanceOf(IOException.class);
        assertThat(sandbox.createdCount()).isEqualTo(4);
        assertThat(post(sandbox, MESSAGES_PATH, body(senders("NEXT", 1))).statusCode()).as("next call normal").isEqualTo(200);
    }

    @Test
    void redirectNextAnswersTheStatusWithALocationAndCreatesNothing() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        sandbox.faults().redirectNext(1, 308, "https://elsewhere.example/v1/x");

        HttpResponse<String> response = post(sandbox, MESSAGES_PATH, body(senders("MOVE", 1)));

        assertThat(response.statusCode()).isEqualTo(308);
        assertThat(response.headers().firstValue("Location")).hasValue("https://elsewhere.example/v1/x");
        assertThat(sandbox.registered()).isEmpty();
        assertThatThrownBy(() -> sandbox.faults().redirectNext(1, 200, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void answerHugeReplyStreamsTheGivenNumberOfEntriesAndCreatesNothing() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        sandbox.faults().answerHugeReplyNext(1, 20_000);

        HttpResponse<String> response = post(sandbox, MESSAGES_PATH, body(senders("HUGE", 1)));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("code").asText()).isEqualTo("MSG106");
        assertThat(json.get("data").size()).isEqualTo(20_000);
        assertThat(sandbox.registered()).isEmpty();
    }

    @Test
    void latencyDelaysEveryResponse() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults().withLatency(Duration.ofMillis(500)));
        assertThat(timed(() -> send(sandbox, "GET", MESSAGES_PATH, KEY, null, null)))
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(timed(() -> send(sandbox, "GET", "/nowhere", KEY, null, null)))
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));

        sandbox.faults().latency(Duration.ofMillis(600));
        assertThat(timed(() -> post(sandbox, MESSAGES_PATH, body(array(entry("SLOWID", "d", "in", "123456789012"))))))
                .isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(sandbox.find("in", "SLOWID")).isPresent();

        sandbox.faults().latency(Duration.ZERO);
        assertThat(timed(() -> send(sandbox, "GET", MESSAGES_PATH, KEY, null, null)))
                .isLessThan(Duration.ofMillis(500));
        sandbox.faults().reset();
        assertThat(sandbox.faults().latency()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void servesCallsConcurrently() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults().withLatency(Duration.ofMillis(700)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            long startNanos = System.nanoTime();
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> send(sandbox, "GET", MESSAGES_PATH, KEY, null, null)));
            }
            for (Future<HttpResponse<String>> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofMillis(700 * 4));
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentOverlappingPostsCreateEachSenderExactlyOnce() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add(String.format("CONC%02d", i));
        }
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<String> order = new ArrayList<>(names);
                Collections.rotate(order, t * 3);
                results.add(pool.submit(() -> {
                    go.await();
                    List<Integer> statuses = new ArrayList<>();
                    for (String name : order) {
                        statuses.add(post(sandbox, MESSAGES_PATH,
                                body(array(entry(name, "concurrent", "in", "123456789012")))).statusCode());
                    }
                    return statuses;
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<List<Integer>> result : results) {
                statuses.addAll(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(statuses).hasSize(threads * names.size());
            assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(names.size());
            assertThat(statuses).containsOnly(200, 400);
        } finally {
            pool.shutdownNow();
        }
        assertThat(sandbox.registered()).hasSize(names.size());
        assertThat(sandbox.registered()).extracting(RegisteredSender::sender)
                .containsExactlyInAnyOrderElementsOf(names);
        assertThat(sandbox.registered()).extracting(RegisteredSender::id).doesNotHaveDuplicates();
        assertThat(sandbox.createdCount()).isEqualTo(names.size());
        assertThat(sandbox.postCalls()).isEqualTo(threads * names.size());
    }

    @Test
    void concurrentIdenticalBatchesSucceedOnlyOnce() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults());
        String payload = body(senders("BATC", 40));
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<HttpResponse<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<HttpResponse<String>> call = () -> {
                    go.await();
                    return post(sandbox, MESSAGES_PATH, payload);
                };
                results.add(pool.submit(call));
            }
            go.countDown();
            int created = 0;
            for (Future<HttpResponse<String>> result : results) {
                HttpResponse<String> response = result.get(30, TimeUnit.SECONDS);
                if (response.statusCode() == 200) {
                    created++;
                } else {
                    JsonNode json = JSON.readTree(response.body());
                    assertThat(json.get("code").asText()).isEqualTo("MSG134");
                    assertThat(json.get("error").size()).isEqualTo(40);
                }
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        Set<String> distinct = sandbox.registered().stream()
                .map(s -> s.isoCode() + ":" + s.sender()).collect(Collectors.toCollection(HashSet::new));
        assertThat(distinct).hasSize(40);
        assertThat(sandbox.registered()).hasSize(40);
        assertThat(sandbox.requestSizes()).hasSize(threads).containsOnly(40);
    }

    // ---------------------------------------------------------------- reset and settings

    @Test
    void resetForgetsCallsFaultsAndCreatedSenders() throws Exception {
        KaleyraSandbox sandbox = start(SandboxSettings.defaults().withPreRegistered("in:ABCF01"));
        post(sandbox, MESSAGES_PATH, body(array(entry("GONEID", "d", "in", "123456789012"))));
        sandbox.faults().failNext(5, 500, null, null).dropConnectionNext(1).capacity(1);

        sandbox.reset();

        assertThat(sandbox.registered()).extracting(RegisteredSender::sender).containsExactly("ABCF01");
        assertThat(sandbox.registered().get(0).preRegistered()).isTrue();
        assertThat(sandbox.createdCount()).isZero();
        assertThat(sandbox.postCalls()).isZero();
        assertThat(sandbox.requestSizes()).isEmpty();
        assertThat(sandbox.faults().pending()).isZero();
        assertThat(sandbox.faults().capacity()).isEqualTo(5000);

        HttpResponse<String> again = post(sandbox, MESSAGES_PATH, body(array(
                entry("GONEID", "d", "in", "123456789012"), entry("SECOND", "d", "in", "123456789012"))));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("data").get(0).get("id").asLong()).isGreaterThan(60002L);
    }

    @Test
    void settingsFromPropertiesAndDefaults() {
        SandboxSettings defaults = SandboxSettings.fromProperties(key -> null);
        assertThat(defaults).isEqualTo(SandboxSettings.defaults());
        assertThat(defaults.sid()).isEqualTo("SANDBOXSID");
        assertThat(defaults.apiKey()).isEqualTo("sandbox-api-key");
        assertThat(defaults.capacity()).isEqualTo(5000);
        assertThat(defaults.preRegistered()).isEmpty();
        assertThat(defaults.port()).isZero();
        assertThat(defaults.latency()).isEqualTo(Duration.ZERO);

        Map<String, String> props = Map.of(
                "kaleyra.sandbox.sid", "HXX071IN",
                "kaleyra.sandbox.api-key", "secret-key-123",
                "kaleyra.sandbox.capacity", "25",
                "kaleyra.sandbox.registered", "in:ABCF01, gb:Shop ,,",
                "kaleyra.sandbox.port", "0",
                "kaleyra.sandbox.latency-ms", "150");
        SandboxSettings s = SandboxSettings.fromProperties(props::get);
        assertThat(s.sid()).isEqualTo("HXX071IN");
        assertThat(s.apiKey()).isEqualTo("secret-key-123");
        assertThat(s.capacity()).isEqualTo(25);
        assertThat(s.preRegistered()).containsExactly("in:ABCF01", "gb:Shop");
        assertThat(s.latency()).isEqualTo(Duration.ofMillis(150));
        assertThat(s.toString()).doesNotContain("secret-key-123").contains("HXX071IN");

        assertThatThrownBy(() -> SandboxSettings.fromProperties(Map.of("kaleyra.sandbox.capacity", "many")::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kaleyra.sandbox.capacity");
        assertThatThrownBy(() -> SandboxSettings.defaults().withPreRegistered("ABCF01"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SandboxSettings.defaults().withPreRegistered("xx:ABCF01"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SandboxSettings.defaults().withCapacity(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sandboxBuiltFromPropertiesUsesItsAccount() throws Exception {
        SandboxSettings s = SandboxSettings.fromProperties(Map.of(
                "kaleyra.sandbox.sid", "HXX071IN",
                "kaleyra.sandbox.api-key", "k2",
                "kaleyra.sandbox.registered", "in:ABCF01")::get);
        KaleyraSandbox sandbox = start(s);

        HttpResponse<String> ok = send(sandbox, "POST", "/v1/HXX071IN/sms/sender", "k2",
                body(array(entry("ABCF99", "d", "in", "123456789012"))), null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("data").get(0).get("id").asLong()).isEqualTo(60002L);
        assertThat(send(sandbox, "POST", MESSAGES_PATH, "k2",
                body(array(entry("ABCF98", "d", "in", "123456789012"))), null).statusCode()).isEqualTo(401);
    }

    // ---------------------------------------------------------------- helpers

    private KaleyraSandbox start(SandboxSettings settings) {
        KaleyraSandbox sandbox = new KaleyraSandbox(settings).start();
        started.add(sandbox);
        return sandbox;
    }

    private HttpResponse<String> post(KaleyraSandbox sandbox, String path, String body)
            throws IOException, InterruptedException {
        return send(sandbox, "POST", path, KEY, body, null);
    }

    private HttpResponse<String> send(KaleyraSandbox sandbox, String method, String path, String apiKey, String body,
                                      Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .timeout(timeout == null ? Duration.ofSeconds(20) : timeout)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            builder.header("api-key", apiKey);
        }
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static Duration timed(Call call) throws Exception {
        long startNanos = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static ObjectNode entry(String sender, String description, String iso, String entityId) {
        ObjectNode node = JSON.createObjectNode();
        if (sender != null) {
            node.put("sender", sender);
        }
        if (description != null) {
            node.put("description", description);
        }
        if (iso != null) {
            node.put("iso_code", iso);
        }
        if (entityId != null) {
            node.put("entity_id", entityId);
        }
        return node;
    }

    private static ArrayNode array(ObjectNode... entries) {
        ArrayNode array = JSON.createArrayNode();
        for (ObjectNode entry : entries) {
            array.add(entry);
        }
        return array;
    }

    private static ArrayNode senders(String prefix, int count) {
        ArrayNode array = JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            String name = prefix + String.format("%0" + (6 - prefix.length()) + "d", i);
            array.add(entry(name, "generated", "in", "123456789012"));
        }
        return array;
    }

    private static String body(ArrayNode data) {
        ObjectNode root = JSON.createObjectNode();
        root.set("data", data);
        return root.toString();
    }

    private static List<Map.Entry<String, String>> fields(JsonNode node) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        node.fields().forEachRemaining(f -> fields.add(Map.entry(f.getKey(), f.getValue().asText())));
        return fields;
    }
}
