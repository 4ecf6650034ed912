package org.senderroute.route;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP intake with a key store configured: HTTPS only, the batch processed as over plain HTTP. */
class HttpIntakeTlsTest extends HttpIntakeRouteTest {

    static final String STORE_PASSWORD = "store-pass-71c2";

    @Test
    void speaksHttpsWithTheConfiguredKeyStore() throws Exception {
        Path store = dir.resolve("intake.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "intake", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();

        startIntake(Map.of("camel.ssl.enabled", "true", "camel.ssl.key-store", "file:" + store,
                "camel.ssl.key-store-password", STORE_PASSWORD, "camel.ssl.key-store-type", "PKCS12",
                "camel.server.use-global-ssl-context-parameters", "true"));

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            trusted.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();

        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/senders?wait=20s"))
                .header("Authorization", "Bearer " + TOKEN).header("Idempotency-Key", "tls-1")
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(SenderFiles.csv(2)))
                .build();
        HttpResponse<String> answer = https.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("summary").path("succeeded").asLong()).isEqualTo(2);

        // plain HTTP gets no answer from it
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/senders/tls-1")).GET().build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }
}
