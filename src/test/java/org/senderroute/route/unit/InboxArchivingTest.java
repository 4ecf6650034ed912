package org.senderroute.route.unit;

import java.time.Duration;

import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.senderroute.config.SenderRouteConfiguration;
import org.senderroute.testsupport.Outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Route 10 (intake-directory): a file of the inbox goes to .done once processed, to .error when it failed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(
        configurationClasses = SenderRouteConfiguration.class,
        propertyPlaceholderLocations = {"classpath:route-unit/application-without-kaleyra.properties",
            "file:config/application.properties"},
        properties = "route-unit.name=inbox-archiving",
        advices = @AdviceRouteMapping(route = "call-kaleyra", advice = FaultsByFileName.class))
class InboxArchivingTest {

    private static final Inbox INBOX = Inbox.emptied("inbox-archiving");

    @Test
    void aFileProcessedToItsEndGoesToDone() {
        // no valid record: nothing is sent, every record is a failure row
        INBOX.drop("invalid.csv", "sender,description,iso_code,entity_id\n,no sender,in,100000000001\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> INBOX.done("invalid.csv").toFile().exists());
        assertThat(INBOX.error("invalid.csv")).doesNotExist();
        assertThat(Outputs.rows(INBOX.failureOutputs(), "invalid")).extracting(row -> row.get("error_code"))
                .containsExactly("MISSING_SENDER");
    }

    @Test
    void aFileThatCannotBeReadGoesToError() {
        INBOX.drop("empty.csv", "");

        await().atMost(Duration.ofSeconds(30)).until(() -> INBOX.error("empty.csv").toFile().exists());
        assertThat(INBOX.done("empty.csv")).doesNotExist();
        assertThat(Outputs.rows(INBOX.failureOutputs(), "empty")).extracting(row -> row.get("error_code"))
                .containsExactly("FILE_UNREADABLE");
    }

    @Test
    void aFileWhoseProcessingFailedGoesToError() {
        INBOX.drop("fault.csv", "sender,description,iso_code,entity_id\nAAAAAA,alerts,in,100000000001\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> INBOX.error("fault.csv").toFile().exists());
        assertThat(INBOX.done("fault.csv")).doesNotExist();
    }
}
