package org.senderroute.route;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;

import static org.awaitility.Awaitility.await;

/** Base of the HTTP intake's tests: the application with the intake enabled on a free port, and an HTTP client. */
abstract class HttpIntakeRouteTest extends SandboxRouteTest {

    static final String TOKEN = "intake-token-3c9e71a05b2d";
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    int port;

    void startIntake(Map<String, String> more) {
        port = RouteHarness.freePort();
        Map<String, String> p = new HashMap<>();
        p.put("sender.http-intake.enabled", "true");
        p.put("sender.http-intake.port", Integer.toString(port));
        p.put("kaleyra.http-intake-token", TOKEN);
        p.put("sender.http-intake.max-body-bytes", "20000000");
        p.putAll(more);
        start(SandboxSettings.defaults(), p);
    }

    void restart() {
        app.close();
        Map<String, String> p = new HashMap<>();
        p.put("sender.http-intake.enabled", "true");
        p.put("sender.http-intake.port", Integer.toString(port));
        p.put("kaleyra.http-intake-token", TOKEN);
        app = RouteHarness.start(dir, sandbox, p);
    }

    HttpResponse<String> post(String token, String key, String type, String body, String query)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/senders" + query))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", type).header("X-File-Name", "partner.csv")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode awaitDone(String location) {
        JsonNode[] status = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            status[0] = JSON.readTree(get(location).body());
            return !status[0].path("state").asText().equals("accepted");
        });
        return status[0];
    }

    Stream<Path> requestFolders() throws IOException {
        Path root = dir.resolve("work").resolve("http");
        if (!Files.isDirectory(root)) {
            return Stream.empty();
        }
        return Files.list(root).filter(p -> !p.getFileName().toString().startsWith(".")).toList().stream();
    }
}
