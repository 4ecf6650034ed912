package org.senderroute.route;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/** A file that cannot be read goes to .error with its reason in the failure destination; the others go on. */
class UnreadableFilesTest extends SandboxRouteTest {

    @BeforeEach
    void start() {
        start(SandboxSettings.defaults(), Map.of());
    }


    @Test
    void anUnparseableFileAmongGoodOnes() {
        app.drop("good-1.csv", SenderFiles.csv(3));
        app.drop("garbage.json", "this is { not json at all");
        app.drop("no-header.csv", "ABCDEF,some text,in,123456789012\n");
        app.drop("binary.csv", new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF, 0x10});
        app.drop("good-2.jsonl", "{\"sender\":\"JSONLA\",\"description\":\"d\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}\n");

        assertThat(app.awaitTaken("garbage.json")).hasParent(app.inbox().resolve(".error"));
        assertThat(app.awaitTaken("no-header.csv")).hasParent(app.inbox().resolve(".error"));
        assertThat(app.awaitTaken("binary.csv")).hasParent(app.inbox().resolve(".error"));
        assertThat(app.awaitTaken("good-1.csv")).hasParent(app.inbox().resolve(".done"));
        assertThat(app.awaitTaken("good-2.jsonl")).hasParent(app.inbox().resolve(".done"));

        assertThat(app.failureRows("garbage")).singleElement().satisfies(r -> {
            assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
            assertThat(r.get("error_message")).startsWith("the file could not be read: ").contains("JSON");
        });
        assertThat(app.failureRows("no-header")).singleElement().satisfies(r ->
                assertThat(r.get("error_message")).contains("header lacks the column(s) sender, description, iso_code"));
        assertThat(app.failureRows("binary")).singleElement().satisfies(r ->
                assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE"));
        app.assertEveryRecordOnce("good-1", 3);
        app.assertEveryRecordOnce("good-2", 1);
        assertThat(sandbox.createdCount()).isEqualTo(4);
    }

    @Test
    void aJsonFileThatBreaksHalfWayIsRefusedWholeWithNothingSent() {
        app.drop("truncated.json", """
                {"data": [
                  {"sender": "TRUNCA", "description": "one", "iso_code": "in", "entity_id": "123456789012"},
                  {"sender": "TRUNCB", "description": "two", "iso_code": "in", "entity_id": "123456789013"},
                  {"sender": "TRUNCC", "descr""");
        assertThat(app.awaitTaken("truncated.json")).hasParent(app.inbox().resolve(".error"));

        assertThat(app.successRows("truncated")).isEmpty();
        assertThat(sandbox.postCalls()).isZero();
        assertThat(app.failureRows("truncated")).singleElement().satisfies(r -> {
            assertThat(r.get("record")).isEqualTo("1");
            assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
            assertThat(r.get("error_message")).startsWith("the file could not be read: JSON syntax error at line 4")
                    .endsWith("nothing in the file was sent");
        });
    }

    @Test
    void anUnclosedQuoteInCsv() {
        app.drop("quote.csv", "sender,description,iso_code,entity_id\nQUOTEA,fine,in,123456789012\nQUOTEB,\"never closed,in,123456789013\n");
        assertThat(app.awaitTaken("quote.csv")).hasParent(app.inbox().resolve(".error"));
        assertThat(app.successRows("quote")).extracting(r -> r.get("sender")).containsExactly("QUOTEA");
        assertThat(app.failureRows("quote")).singleElement().satisfies(r -> {
            assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
            assertThat(r.get("error_message")).contains("records from 2 on were not read", "CSV");
        });
    }
}
