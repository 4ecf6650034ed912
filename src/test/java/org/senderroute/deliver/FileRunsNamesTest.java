package org.senderroute.deliver;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.domain.FileRun;
import org.senderroute.observe.SenderMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files in flight together never share an output name nor a staged output: two files of the same name (from two
 * account folders) opened in the same millisecond get names a millisecond apart.
 */
class FileRunsNamesTest {

    @TempDir
    Path staging;

    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    @Test
    void twoFilesOfOneNameOpenedInTheSameMillisecondGetDistinctOutputNames() throws Exception {
        Clock frozen = Clock.fixed(Instant.parse("2026-12-03T12:44:10.397Z"), ZoneOffset.UTC);
        FileRuns runs = new FileRuns(staging, frozen, null, new SenderMetrics(camel), Duration.ofHours(1));

        FileRun acme = runs.open("senders.csv", new DefaultExchange(camel));
        FileRun globex = runs.open("senders.csv", new DefaultExchange(camel));

        assertThat(acme.successName()).isEqualTo("senders.20261203-124410-397.success.csv");
        assertThat(globex.successName()).isEqualTo("senders.20261203-124410-398.success.csv");
        assertThat(globex.failureName()).isNotEqualTo(acme.failureName());
        assertThat(globex.summaryName()).isNotEqualTo(acme.summaryName());
    }
}
