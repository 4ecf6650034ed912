package org.senderroute.intake;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP intake's small rules: which account a token names, the name of the outputs, the wait asked for. */
class HttpIntakeRulesTest {

    @Test
    void aTokenNamesItsAccountOnlyAsABearerToken() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("default", "token-of-default-1");
        tokens.put("acme", "token-of-acme-2");
        IntakeTokens intake = new IntakeTokens(tokens);
        assertThat(intake.accountOf("Bearer token-of-acme-2")).isEqualTo("acme");
        assertThat(intake.accountOf("bearer token-of-default-1")).isEqualTo("default");
        assertThat(intake.accountOf("Bearer token-of-acme-")).isNull();
        assertThat(intake.accountOf("Basic token-of-acme-2")).isNull();
        assertThat(intake.accountOf("token-of-acme-2")).isNull();
        assertThat(intake.accountOf("Bearer ")).isNull();
        assertThat(intake.accountOf(null)).isNull();
    }

    @Test
    void theOutputsAreNamedAfterTheLastSegmentOfXFileNameInTheBodysFormat() {
        String id = "0123456789abcdef0123456789abcdef";
        assertThat(HttpIntake.fileName("batch.csv", id, ".csv")).isEqualTo("batch.csv");
        assertThat(HttpIntake.fileName("batch", id, ".json")).isEqualTo("batch.json");
        assertThat(HttpIntake.fileName("../../etc/passwd", id, ".csv")).isEqualTo("passwd.csv");
        assertThat(HttpIntake.fileName("..\\..\\.hidden", id, ".ndjson")).isEqualTo("hidden.ndjson");
        assertThat(HttpIntake.fileName(null, id, ".csv")).isEqualTo("http-" + id + ".csv");
        assertThat(HttpIntake.fileName("a\u0000b\nc.csv", id, ".csv")).isEqualTo("abc.csv");
    }

    @Test
    void aWaitIsADurationOfAtMostFiveMinutes() {
        assertThat(HttpIntake.waitOf("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpIntake.waitOf("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(HttpIntake.waitOf("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(HttpIntake.waitOf("12")).isEqualTo(Duration.ofSeconds(12));
        assertThat(HttpIntake.waitOf("1000m")).isEqualTo(HttpIntake.MAX_WAIT);
        assertThat(HttpIntake.waitOf(null)).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> HttpIntake.waitOf("soon")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpIntake.waitOf("-1s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theIdOfARequestDependsOnItsAccountAndKeyOnly() {
        assertThat(IntakeRequests.idOf("acme", "k-1")).isEqualTo(IntakeRequests.idOf("acme", "k-1")).hasSize(32);
        assertThat(IntakeRequests.idOf("acme", "k-1")).isNotEqualTo(IntakeRequests.idOf("default", "k-1"));
        assertThat(IntakeRequests.idOf("acme", "k-1")).doesNotContain("k-1");
    }
}
