package org.senderroute.route;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Each input format and CSV dialect, through the real routes, against the sandbox over HTTP. */
class InputFormatsTest extends SandboxRouteTest {

    @BeforeEach
    void start() {
        start(SandboxSettings.defaults().withPreRegistered("in:ABCF01"), Map.of());
    }


    @Test
    void csvWithBomCrlfQuotingAnyColumnOrderAndCaseAndUnknownColumns() {
        String csv = "\uFEFFEntity_ID,ISO_Code,Notes,SENDER,Description\r\n"
                + "123456789012,in,first,CSVONE,\"Alerts, with a comma\"\r\n"
                + "\r\n"
                + "123456789013,IN,second,CSVTWO,\"A description\r\nspread over two lines with \"\"quotes\"\"\"\r\n";
        app.drop("dialect.csv", csv.getBytes(StandardCharsets.UTF_8));

        assertThat(app.awaitTaken("dialect.csv")).hasParent(app.inbox().resolve(".done"));
        List<Map<String, String>> rows = app.successRows("dialect");
        assertThat(rows).extracting(r -> r.get("sender")).containsExactly("CSVONE", "CSVTWO");
        assertThat(rows.get(0).get("description")).isEqualTo("Alerts, with a comma");
        assertThat(rows.get(1).get("description")).isEqualTo("A description\r\nspread over two lines with \"quotes\"");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("kaleyra_id")).isNotBlank());
        assertThat(sandbox.find("in", "CSVTWO")).isPresent();
        app.assertEveryRecordOnce("dialect", 2);
    }

    @Test
    void csvRowWithMoreFieldsThanTheHeaderIsOneBadRecord() {
        app.drop("extra.csv", "sender,description,iso_code,entity_id\nGOODIE,ok,in,123456789012\nBADROW,a,b,in,123456789012\n");
        app.awaitTaken("extra.csv");
        assertThat(app.failureRows("extra")).singleElement().satisfies(r -> {
            assertThat(r.get("record")).isEqualTo("2");
            assertThat(r.get("error_code")).isEqualTo("PARSE_ERROR");
            assertThat(r.get("error_message")).contains("5 fields", "header names 4");
        });
        app.assertEveryRecordOnce("extra", 2);
    }

    @Test
    void kaleyraRequestBodyWithNumericEntityId() {
        app.drop("body.json", """
                {"data": [
                  {"sender": "JSONAA", "description": "one", "iso_code": "in", "entity_id": 123456789012345678},
                  {"sender": "ABCF01", "description": "registered already", "iso_code": "in", "entity_id": "123456789012"}
                ]}""");
        app.awaitTaken("body.json");
        assertThat(app.successRows("body")).singleElement()
                .satisfies(r -> assertThat(r.get("entity_id")).isEqualTo("123456789012345678"));
        assertThat(app.failureRows("body")).singleElement().satisfies(r -> {
            assertThat(r.get("record")).isEqualTo("2");
            assertThat(r.get("error_code")).isEqualTo("MSG134");
            assertThat(r.get("error_message")).isEqualTo("Sender ID Already exist.");
        });
    }

    @Test
    void bareJsonArray() {
        app.drop("bare.json", """
                [{"sender": "ARRAYA", "description": "one", "iso_code": "in", "entity_id": "123456789012"},
                 {"Sender": "ARRAYB", "DESCRIPTION": "two", "iso-code": "in", "entity_id": "123456789013"}]""");
        app.awaitTaken("bare.json");
        assertThat(app.successRows("bare")).extracting(r -> r.get("sender")).containsExactly("ARRAYA", "ARRAYB");
    }

    @Test
    void jsonLinesWithABadLine() {
        app.drop("lines.jsonl", """
                {"sender": "LINEAA", "description": "one", "iso_code": "in", "entity_id": "123456789012"}

                {not json
                {"sender": "LINEBB", "description": "two", "iso_code": "in", "entity_id": "123456789013"}
                """);
        app.awaitTaken("lines.jsonl");
        assertThat(app.successRows("lines")).extracting(r -> r.get("record")).containsExactly("1", "3");
        assertThat(app.failureRows("lines")).singleElement().satisfies(r -> {
            assertThat(r.get("record")).isEqualTo("2");
            assertThat(r.get("error_code")).isEqualTo("PARSE_ERROR");
            assertThat(r.get("error_message")).startsWith("line 3 is not a JSON object");
        });
    }

    @Test
    void aFailureFileCanBeFixedAndDroppedAgainAsItIs() throws Exception {
        app.drop("first.csv", "sender,description,iso_code,entity_id\nFIXME1,needs entity,in,\nFINE01,ok,in,123456789012\n");
        app.awaitTaken("first.csv");
        Path failure = org.senderroute.testsupport.Outputs.files(app.failureDir(), "first").get(0);
        String fixed = java.nio.file.Files.readString(failure).replace("FIXME1,\"needs entity\",in,,", "FIXME1,\"needs entity\",in,123456789099,")
                .replace("FIXME1,needs entity,in,,", "FIXME1,needs entity,in,123456789099,");
        assertThat(fixed).contains("123456789099");
        app.drop("first-fixed.csv", fixed);
        app.awaitTaken("first-fixed.csv");
        assertThat(app.successRows("first-fixed")).singleElement().satisfies(r -> assertThat(r.get("sender")).isEqualTo("FIXME1"));
        assertThat(app.failureRows("first-fixed")).isEmpty();
    }
}
