package org.senderroute.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.SandboxRouteTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file that is not well-formed is refused whole, before anything is sent; what is said about it names the
 * position and the kind of problem, never the file's text.
 */
class MalformedInputTest extends SandboxRouteTest {

    private static final String V = "{\"sender\":\"GOODAA\",\"description\":\"d\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}";
    private static final String V2 = "{\"sender\":\"GOODBB\",\"description\":\"d\",\"iso_code\":\"in\",\"entity_id\":\"123456789013\"}";

    @Test
    void jsonThatIsNotWellFormedIsRefusedWholeWithNothingSent() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("trailing-word.json", ("[" + V + "]zyxwvu").getBytes(StandardCharsets.UTF_8));
        files.put("extra-bracket.json", ("[" + V + "]]").getBytes(StandardCharsets.UTF_8));
        files.put("trailing-comma.json", ("[" + V + "],").getBytes(StandardCharsets.UTF_8));
        files.put("unclosed-body.json", ("{\"data\":[" + V + "]").getBytes(StandardCharsets.UTF_8));
        files.put("two-bodies.json", ("{\"data\":[" + V + "]} {\"data\":[" + V2 + "]}").getBytes(StandardCharsets.UTF_8));
        files.put("two-arrays.json", ("[" + V + "][" + V2 + "]").getBytes(StandardCharsets.UTF_8));
        files.put("two-data-keys.json", ("{\"data\":[" + V + "],\"data\":[" + V2 + "]}").getBytes(StandardCharsets.UTF_8));
        files.put("bad-word-later.json", ("[" + V + ",\n" + V2 + ",\n qwertyuiop]").getBytes(StandardCharsets.UTF_8));
        byte[] utf8 = ("[" + V + ",\n{\"sender\":\"GOODCC\",\"description\":\"x\u00e9?\"}]").getBytes(StandardCharsets.UTF_8);
        int bad = utf8.length - 4;
        utf8[bad] = (byte) 0xFF;
        files.put("not-utf8.json", utf8);
        files.put("scalar.json", "42".getBytes(StandardCharsets.UTF_8));

        try (LogCapture log = LogCapture.start()) {
            start(SandboxSettings.defaults(), Map.of());
            files.forEach(app::drop);
            files.keySet().forEach(name -> assertThat(app.awaitTaken(name)).hasParent(app.inbox().resolve(".error")));

            assertThat(sandbox.postCalls()).as("calls to Kaleyra").isZero();
            files.keySet().forEach(name -> {
                String base = name.substring(0, name.indexOf('.'));
                assertThat(app.successRows(base)).as(name).isEmpty();
                assertThat(app.failureRows(base)).as(name).singleElement().satisfies(r -> {
                    assertThat(r.get("record")).isEqualTo("1");
                    assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
                    assertThat(r.get("error_message")).startsWith("the file could not be read: ")
                            .doesNotContain("zyxwvu", "qwertyuiop", "GOOD", "Input length");
                });
            });
            assertThat(log.text()).doesNotContain("zyxwvu", "qwertyuiop", "GOODAA");
        }
        assertThat(message("trailing-word")).contains("line 1 column", "not a JSON value");
        assertThat(message("bad-word-later")).contains("line 3 column");
        assertThat(message("two-bodies")).contains("content after the end of the JSON value");
        assertThat(message("two-arrays")).contains("content after the end of the JSON value");
        assertThat(message("two-data-keys")).contains("second \"data\" key");
        assertThat(message("unclosed-body")).contains("ends in the middle");
        assertThat(message("not-utf8")).contains("not UTF-8 at byte " + (bad + 1));
        assertThat(message("scalar")).contains("found a number");
    }

    @Test
    void emptyArraysAndAHeaderAloneGiveASummaryOfNoRecords() throws IOException {
        start(SandboxSettings.defaults(), Map.of());
        app.drop("empty-array.json", "[]");
        app.drop("empty-body.json", "{\"data\":[]}");
        app.drop("header-only.csv", "sender,description,iso_code,entity_id\n");
        for (String base : List.of("empty-array", "empty-body", "header-only")) {
            assertThat(app.awaitTaken(base + (base.startsWith("header") ? ".csv" : ".json")))
                    .hasParent(app.inbox().resolve(".done"));
            JsonNode summary = summary(base);
            assertThat(summary.get("records").asLong()).isZero();
            assertThat(summary.get("unreadable").isNull()).isTrue();
        }
    }

    @Test
    void numbersAreEchoedAsWrittenAndKeysGivenTwiceAreNotGuessed() {
        start(SandboxSettings.defaults(), Map.of());
        app.drop("numbers.json", """
                [{"sender":"NUMBAA","description":"d","iso_code":"in","entity_id":1E22},
                 {"sender":"NUMBBB","description":"d","iso_code":"in","entity_id":-0},
                 {"sender":"NUMBCC","description":"d","iso_code":"in","entity_id":123456789012345678901234567890},
                 {"sender":"NUMBDD","sender":"NUMBEE","description":"d","iso_code":"in","entity_id":"123456789012"}]""");
        app.awaitTaken("numbers.json");
        Map<String, String> entity = org.senderroute.testsupport.RouteHarness.byRecord(app.failureRows("numbers"), "entity_id");
        assertThat(entity).containsEntry("1", "1E22").containsEntry("2", "-0");
        assertThat(app.successRows("numbers")).singleElement()
                .satisfies(r -> assertThat(r.get("entity_id")).isEqualTo("123456789012345678901234567890"));
        assertThat(app.failureRows("numbers")).filteredOn(r -> "4".equals(r.get("record"))).singleElement()
                .satisfies(r -> assertThat(r.get("error_message")).contains("sender is given twice"));
        app.assertEveryRecordOnce("numbers", 4);
    }

    @Test
    void csvAndJsonLinesProblemsAreDescribedNotQuoted() {
        try (LogCapture log = LogCapture.start()) {
            start(SandboxSettings.defaults(), Map.of());
            app.drop("secret-header.csv", "hunter2secret,other\nx,y\n");
            app.drop("lines.jsonl", V + "\n{\"sender\": zyxwvu}\n" + V2 + " trailingjunk\n");
            byte[] csv = "sender,description,iso_code\nGOODAA,d,in\nGOODBB,\u00e9,in\n".getBytes(StandardCharsets.UTF_8);
            csv[csv.length - 6] = (byte) 0xC3;
            csv[csv.length - 5] = (byte) 0x28;
            app.drop("latin.csv", csv);
            app.awaitTaken("secret-header.csv");
            app.awaitTaken("lines.jsonl");
            app.awaitTaken("latin.csv");

            assertThat(app.failureRows("secret-header")).singleElement().satisfies(r ->
                    assertThat(r.get("error_message")).contains("lacks the column(s) sender").doesNotContain("hunter2"));
            assertThat(app.failureRows("lines")).filteredOn(r -> "PARSE_ERROR".equals(r.get("error_code")))
                    .extracting(r -> r.get("error_message"))
                    .containsExactlyInAnyOrder("line 2 is not a JSON object: a word that is not a JSON value (only true,"
                            + " false, null, numbers and quoted strings are) at column 18",
                            "line 3 has more after its JSON value (from column " + (V2.length() + 2) + ")");
            assertThat(app.failureRows("latin")).filteredOn(r -> "FILE_UNREADABLE".equals(r.get("error_code")))
                    .singleElement().satisfies(r -> assertThat(r.get("error_message"))
                            .contains("not UTF-8 at byte " + (csv.length - 5)).doesNotContain("Input length"));
            assertThat(log.text()).doesNotContain("hunter2", "zyxwvu", "trailingjunk");
        }
    }

    private String message(String base) {
        return app.failureRows(base).get(0).get("error_message");
    }

    private JsonNode summary(String base) throws IOException {
        try (Stream<Path> files = Files.list(app.successDir())) {
            Path file = files.filter(p -> p.getFileName().toString().startsWith(base + ".")
                    && p.getFileName().toString().endsWith(".summary.json")).findFirst().orElseThrow(
                            () -> new AssertionError("no summary for " + base));
            return new ObjectMapper().readTree(file.toFile());
        }
    }
}
