package org.senderroute.route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.SandboxRouteTest;

import static org.awaitility.Awaitility.await;

/**
 * The parsing cases of JSONTestSuite (src/test/resources/jsontestsuite, MIT licence), all dropped at once into one
 * running application. Every {@code n_} file (not JSON) is refused whole: in .error, one FILE_UNREADABLE row at
 * record 1 and nothing else, its text quoted neither in that row nor in the log. Every {@code y_} and {@code i_}
 * file is processed or refused, never left hanging nor failed on an unexpected error, and each of its records is
 * in exactly one output.
 */
class JsonTestSuiteTest extends SandboxRouteTest {

    /** Words the module's own messages use; any other word of three letters or more in a message came from the file. */
    private static final Set<String> OWN_WORDS = Set.of("the", "file", "could", "not", "read", "json", "syntax",
            "error", "line", "column", "nothing", "was", "sent", "expected", "object", "data", "array", "found", "number",
            "string", "true", "false", "null", "value", "values", "word", "only", "numbers", "and", "quoted", "strings",
            "are", "content", "after", "end", "ends", "middle", "utf", "byte", "bytes", "key", "second", "first", "which",
            "one", "meant", "clear", "holds", "closing", "bracket", "that", "does", "match", "open", "comment", "has",
            "none", "given", "twice", "control", "character", "inside", "must", "escaped", "invalid", "escape",
            "sequence", "written", "start", "cannot", "missing", "comma", "unexpected", "between", "colon", "without",
            "double", "quotes", "nested", "too", "deeply", "longer", "than", "parser", "accepts", "records", "from",
            "were", "record");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]{3,}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCaseIsEitherProcessedOrRefusedWhole() throws Exception {
        Path corpus = Path.of(getClass().getResource("/jsontestsuite/LICENSE").toURI()).getParent();
        List<Path> cases;
        try (Stream<Path> files = Files.list(corpus)) {
            cases = files.filter(p -> p.getFileName().toString().matches("[niy]_.*\\.json")).sorted().toList();
        }
        SoftAssertions softly = new SoftAssertions();
        try (LogCapture log = LogCapture.start()) {
            start(SandboxSettings.defaults(), Map.of());
            for (Path file : cases) {
                app.drop(file.getFileName().toString(), Files.readAllBytes(file));
            }
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (Stream<Path> left = Files.list(app.inbox())) {
                    return left.noneMatch(Files::isRegularFile);
                }
            });
            softly.assertThat(sandbox.postCalls()).as("calls to Kaleyra (no case holds a valid request)").isZero();
            softly.assertThat(log.lines()).as("unexpected errors").noneMatch(l -> l.startsWith("ERROR"));

            for (Path file : cases) {
                String name = file.getFileName().toString();
                String base = name.substring(0, name.length() - ".json".length());
                boolean done = Files.exists(app.inbox().resolve(".done").resolve(name));
                boolean error = Files.exists(app.inbox().resolve(".error").resolve(name));
                List<Map<String, String>> failures = rows(app.failureDir(), base, "failure");
                List<Map<String, String>> successes = rows(app.successDir(), base, "success");
                softly.assertThat(done ^ error).as(name + " in .done or .error").isTrue();
                softly.assertThat(successes).as(name + " success rows").isEmpty();
                boolean refused = failures.size() == 1 && "FILE_UNREADABLE".equals(failures.get(0).get("error_code"))
                        && "1".equals(failures.get(0).get("record"));
                if (name.startsWith("n_")) {
                    softly.assertThat(error && refused).as(name + " refused whole, got " + failures).isTrue();
                    Set<String> words = words(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                    for (Map<String, String> row : failures) {
                        String message = row.get("error_message");
                        softly.assertThat(message).as(name).matches("[\\x20-\\x7E]*");
                        softly.assertThat(shared(message, words)).as(name + ": " + message).isEmpty();
                    }
                    List<String> lines = log.lines().stream().filter(l -> l.contains(name))
                            .map(l -> l.replace(name, "")).toList();
                    softly.assertThat(lines).as(name + " log").isNotEmpty()
                            .allSatisfy(l -> softly.assertThat(shared(l, words)).as(name + " log: " + l).isEmpty());
                } else if (refused) {
                    softly.assertThat(error).as(name + " refused: in .error").isTrue();
                } else {
                    softly.assertThat(done).as(name + " processed: in .done, got " + failures).isTrue();
                    long records = summary(base).get("records").asLong();
                    softly.assertThat(failures.stream().map(r -> r.get("record")).sorted().toList())
                            .as(name + " every record once")
                            .isEqualTo(java.util.stream.LongStream.rangeClosed(1, records).mapToObj(Long::toString)
                                    .sorted().toList());
                }
            }
        }
        softly.assertAll();
    }

    /** The words of the file found in a message about it. */
    private static Set<String> shared(String message, Set<String> fileWords) {
        Set<String> shared = words(message);
        shared.retainAll(fileWords);
        return shared;
    }

    /** Words of three characters or more, lower case, that the module's own messages do not use. */
    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        var m = WORD.matcher(text);
        while (m.find()) {
            String word = m.group().toLowerCase(Locale.ROOT);
            if (!OWN_WORDS.contains(word) && !word.chars().allMatch(Character::isDigit)) {
                words.add(word);
            }
        }
        return words;
    }

    /** The rows of the outputs of exactly this base name (names of the corpus are prefixes of one another). */
    private static List<Map<String, String>> rows(Path dir, String base, String kind) throws IOException {
        Pattern own = Pattern.compile(Pattern.quote(base) + "\\.\\d{8}-\\d{6}-\\d{3}\\." + kind + "\\.csv");
        List<Map<String, String>> rows = new ArrayList<>();
        for (Path file : Outputs.files(dir, base)) {
            if (own.matcher(file.getFileName().toString()).matches()) {
                rows.addAll(Outputs.rows(dir, file.getFileName().toString().replaceAll("\\.csv$", "")));
            }
        }
        return rows;
    }

    private JsonNode summary(String base) throws IOException {
        Pattern own = Pattern.compile(Pattern.quote(base) + "\\.\\d{8}-\\d{6}-\\d{3}\\.summary\\.json");
        try (Stream<Path> files = Files.list(app.successDir())) {
            Path file = files.filter(p -> own.matcher(p.getFileName().toString()).matches()).findFirst()
                    .orElseThrow(() -> new AssertionError("no summary for " + base));
            return JSON.readTree(file.toFile());
        }
    }
}
