package org.senderroute.route;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Each file's HTML report, {@code BASE.<time>.report.html} beside its summary: the figures of a known file, the chart
 * and meaning of each failure code, the first failing rows; self-contained; partner input shown as text, never run.
 * Opened in a real headless Chromium (Debian's {@code chromium}, installed by .ci/run), which also takes the
 * screenshot of docs/images/report.png ({@code target/report.png}).
 */
class FileReportTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String SCRIPT = "<script>document.title='pwned';document.body.setAttribute('data-pwned','1')</script>";
    private static final String IMG = "<img src=x onerror=document.body.setAttribute('data-pwned','2')>";

    @TempDir
    Path dir;
    KaleyraSandbox sandbox;
    RouteHarness app;
    Path report;

    @BeforeEach
    void processAKnownFile() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withPreRegistered("in:SX0001")).start();
        app = RouteHarness.start(dir, sandbox, Map.of());
        app.drop("partner-feed.csv", SenderFiles.csv(6)
                + "BADSENDER,\"" + SCRIPT + "\",in,123456789012\n"
                + ",\"" + IMG + "\",in,123456789012\n"
                + "SX0002,again,in,123456789012\n"
                + "ABCDEF,d,zz,123456789012\n"
                + "ABCDEG,d,in,12\n");
        app.awaitTaken("partner-feed.csv");
        try (Stream<Path> files = Files.list(app.successDir())) {
            report = files.filter(p -> p.getFileName().toString().matches("partner-feed\\.\\d{8}-\\d{6}-\\d{3}\\.report\\.html"))
                    .findFirst().orElseThrow(() -> new AssertionError("no report beside the summary"));
        }
        assertThat(report.resolveSibling(report.getFileName().toString().replace(".report.html", ".summary.json"))).exists();
    }

    @AfterEach
    void stop() {
        app.close();
        sandbox.close();
    }

    @Test
    void theReportTellsTheFiguresAndEscapesEveryValue() throws Exception {
        String html = Files.readString(report);
        assertThat(html).contains("<b id=\"records\">11</b>", "<b id=\"succeeded\">5</b>", "<b id=\"failed\">6</b>");
        // one bar and one explanation per code
        for (String code : List.of("MSG134", "INVALID_SENDER", "MISSING_SENDER", "DUPLICATE_IN_FILE", "INVALID_ISO_CODE",
                "INVALID_ENTITY_ID")) {
            assertThat(html).contains("<span class=\"code\">" + code + "</span>", "<td class=\"code\">" + code + "</td>");
        }
        assertThat(html).contains("Kaleyra rejected this sender", "Sender ID Already exist.",
                "The sender does not match the country&#39;s rule", "style=\"width: 100%\"");
        // partner input as text only
        assertThat(html).contains("&lt;script&gt;document.title&#61;&#39;pwned&#39;").contains("&lt;img src&#61;x");
        assertThat(html.toLowerCase()).doesNotContain("<script", "<img", "<link", "src=", "url(", "@import", "http:", "https:");
        // self-contained, and a Content-Security-Policy that would run no script anyway
        assertThat(html).contains("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
        String template = new String(getClass().getClassLoader().getResourceAsStream("report/file-report.mustache")
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(template).as("no value is written unescaped").doesNotContain("{{{", "{{&");
    }

    @Test
    void aFileThatCannotBeReadSaysWhy() throws Exception {
        app.drop("empty.csv", "");
        app.awaitTaken("empty.csv");
        Path empty;
        try (Stream<Path> files = Files.list(app.successDir())) {
            empty = files.filter(p -> p.getFileName().toString().startsWith("empty.") && p.toString().endsWith(".report.html"))
                    .findFirst().orElseThrow();
        }
        // the counts are the summary's (a file refused whole counts no record); its one row is shown
        assertThat(Files.readString(empty)).contains("<b id=\"records\">0</b>", "The file could not be read",
                "empty file (0 bytes)", "Fix the file", "<td class=\"code\">FILE_UNREADABLE</td>",
                "the file could not be read: empty file (0 bytes)").doesNotContain("No failures", "Failures by code");
    }

    @Test
    void aBrowserRendersItAndRunsNothingOfThePartnersInput() throws Exception {
        requireChromium();
        String dom = chromium("--dump-dom", report.toUri().toString());
        assertThat(dom).contains("<b id=\"records\">11</b>", "<b id=\"succeeded\">5</b>", "<b id=\"failed\">6</b>")
                .contains("<title>partner-feed.csv: 5 succeeded, 6 failed</title>")
                .contains("<body>").doesNotContain("<title>pwned", "<body data-pwned");
        assertThat(Pattern.compile("<tr><td>\\d+</td>").matcher(dom).results().count()).as("failing rows shown").isEqualTo(6);
        // the description is shown as the partner wrote it, as text
        assertThat(dom).contains("&lt;script&gt;document.title='pwned';");

        Path png = Path.of("target", "report.png").toAbsolutePath();
        Files.deleteIfExists(png);
        chromium("--screenshot=" + png, "--window-size=1100,1500", "--hide-scrollbars", report.toUri().toString());
        assertThat(png).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(10_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    private static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("Chromium (Debian's chromium package) is needed for this test in CI: .ci/run installs it");
            }
            Assumptions.abort("Chromium is not installed here (Debian's chromium package)");
        }
    }

    /** Runs headless Chromium, without any network of its own, and returns what it printed. */
    private String chromium(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(dir.resolve("chromium.err").toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Chromium did not finish within 60 s");
        }
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("chromium.err"))).isZero();
        return out;
    }
}
