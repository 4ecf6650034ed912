package org.senderroute.route.unit;

import java.time.Duration;

import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.senderroute.config.SenderRouteConfiguration;
import org.senderroute.domain.RunVerdict;
import org.senderroute.testsupport.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route 00 (sender-route-errors): an exception or an Error nobody planned for fails its file visibly (an ERROR line,
 * the file in .error, the run's verdict 4) and never leaves it hanging; an unreadable file fails quietly.
 */
@CamelMainTest(
        configurationClasses = SenderRouteConfiguration.class,
        propertyPlaceholderLocations = {"classpath:route-unit/application-without-kaleyra.properties",
            "file:config/application.properties"},
        properties = "route-unit.name=file-failure",
        advices = @AdviceRouteMapping(route = "call-kaleyra", advice = FaultsByFileName.class))
class FileFailureTest {

    private static final Inbox INBOX = Inbox.emptied("file-failure");
    private static final String ONE_SENDER = "sender,description,iso_code,entity_id\nAAAAAA,alerts,in,100000000001\n";

    @BeanInject("runVerdict")
    RunVerdict verdict;

    @Test
    void anUnreadableFileFailsQuietly() {
        try (LogCapture log = LogCapture.start()) {
            INBOX.drop("empty.csv", "");

            await().atMost(Duration.ofSeconds(30)).until(() -> INBOX.error("empty.csv").toFile().exists());
            // its reason is in its failure output: nothing else to tell, and the run's verdict stays 0
            assertThat(verdict.exitCode()).isEqualTo(RunVerdict.OK);
            assertThat(log.lines()).noneSatisfy(line -> assertThat(line).startsWith("ERROR"));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "fault-batch.csv | java.lang.IllegalStateException: a fault nobody planned for",
        "error-batch.csv | java.lang.NoClassDefFoundError: org/example/Missing"
    })
    void aFaultNobodyPlannedForFailsTheFileVisibly(String file, String fault) {
        try (LogCapture log = LogCapture.start()) {
            INBOX.drop(file, ONE_SENDER);

            await().atMost(Duration.ofSeconds(30)).until(() -> INBOX.error(file).toFile().exists());
            assertThat(verdict.exitCode()).isEqualTo(RunVerdict.FAILED);
            assertThat(verdict.reason()).startsWith("processing of " + file + " failed: ").contains(fault);
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("ERROR").contains(fault));
        }
    }
}
