package org.senderroute.kaleyra;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the parser makes of bodies that are, or only look like, Kaleyra's replies. */
class KaleyraReplyParserTest {

    private static final String CREATED = "{\"code\":\"MSG106\",\"message\":\"created\",\"data\":["
            + "{\"id\":\"11\",\"sender\":\"AAAAAA\"},{\"id\":\"12\",\"sender\":\"BBBBBB\"}],\"error\":{}}";

    private final KaleyraReplyParser parser = new KaleyraReplyParser();

    @Test
    void aWholeSuccessHasItsDataArray() throws IOException {
        KaleyraReply reply = parse(200, CREATED);

        assertThat(reply.isDataArray()).isTrue();
        assertThat(reply.getProblem()).isEmpty();
        assertThat(reply.getCreated()).extracting(KaleyraReply.Created::id).containsExactly("11", "12");
    }

    @Test
    void bodiesThatAreNotOneWellFormedObjectWithADataArraySayWhy() throws IOException {
        assertThat(parse(200, "").getProblem()).isEqualTo("empty body");
        assertThat(parse(200, " \n ").getProblem()).isEqualTo("empty body");
        assertThat(parse(200, "<html>").getProblem()).isEqualTo("not JSON");
        assertThat(parse(200, "[1]").getProblem()).isEqualTo("not a JSON object");
        assertThat(parse(200, "{\"code\":\"MSG106\"}").getProblem()).isEqualTo("no data array");
        assertThat(parse(200, "{\"code\":\"MSG106\",\"data\":{}}").getProblem()).isEqualTo("no data array");
        assertThat(parse(200, CREATED + "{}").getProblem()).isEqualTo("content after the JSON");
        for (String body : new String[] {"", "<html>", "[1]", "{\"code\":\"MSG106\"}", CREATED + "x"}) {
            assertThat(parse(200, body).isDataArray()).as(body).isFalse();
        }
    }

    @Test
    void theStartOfTheBodyIsShortWithWhiteSpaceAndControlCharactersCollapsed() throws IOException {
        KaleyraReply reply = parse(502, "<html>\r\n\t<b>bad\u0000 gateway</b>" + "z".repeat(1000));

        assertThat(reply.getBodyStart()).startsWith("<html> <b>bad gateway</b>zzz").endsWith("...").hasSizeLessThanOrEqualTo(303);
        assertThat(reply.describe()).isEqualTo("HTTP 502: " + reply.getBodyStart() + " (not JSON)");
    }

    @Test
    void aBodyEndingBeforeItsJsonIsCompleteIsCutOffWithTheEntriesThatArrived() {
        int second = CREATED.indexOf("{\"id\":\"12\"");
        // ending between two entries, inside an entry, inside a value, inside a key
        for (int end : new int[] {second, second - 1, second + 3, second + 8, CREATED.length() - 1}) {
            String cutBody = CREATED.substring(0, end);
            assertThatThrownBy(() -> parse(200, cutBody)).as(cutBody).isInstanceOfSatisfying(ReplyCutOffException.class, cut -> {
                assertThat(cut.arrived()).extracting(KaleyraReply.Created::id).startsWith("11");
                assertThat(cut.getMessage()).contains("HTTP 200", "cut off after", "ended before it was complete");
            });
        }
    }

    @Test
    void aConnectionFailingHalfWayIsCutOffWithTheEntriesThatArrived() {
        // longer than the start of the body that is read ahead, so that the failure comes while entries are parsed
        String half = "{\"message\":\"" + "m".repeat(400) + "\"," + CREATED.substring(1, CREATED.indexOf("{\"id\":\"12\""));
        InputStream breaking = new SequenceInputStream(new ByteArrayInputStream(half.getBytes(StandardCharsets.UTF_8)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("Connection reset");
                    }
                });

        assertThatThrownBy(() -> parser.parse(200, null, null, breaking, null))
                .isInstanceOfSatisfying(ReplyCutOffException.class, cut -> {
                    assertThat(cut.arrived()).extracting(KaleyraReply.Created::id).containsExactly("11");
                    assertThat(cut.getMessage()).contains("Connection reset");
                });
    }

    @Test
    void aReplyOverTheSizeCapIsUnusableAndSaysSo() throws IOException {
        InputStream tooLarge = new SequenceInputStream(new ByteArrayInputStream("{\"code\":\"MSG106\",\"data\":[".getBytes(
                StandardCharsets.UTF_8)), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new ReplyTooLargeException(1024);
                    }
                });

        KaleyraReply reply = parser.parse(200, null, null, tooLarge, null);

        assertThat(reply.isDataArray()).isFalse();
        assertThat(reply.describe()).contains("HTTP 200", "larger than 1024 bytes");
    }

    @Test
    void aRedirectKeepsItsLocation() throws IOException {
        KaleyraReply reply = parser.parse(301, null, "https://elsewhere.example/", new ByteArrayInputStream(new byte[0]), null);

        assertThat(reply.getLocation()).isEqualTo("https://elsewhere.example/");
    }

    private KaleyraReply parse(int status, String body) throws IOException {
        return parser.parse(status, null, null, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), null);
    }
}
