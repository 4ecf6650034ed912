package org.senderroute.intake;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileConsumer;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.component.file.FileOperations;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.PostgresFileClaims;
import org.senderroute.testsupport.EmbeddedPostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances racing for the same file of a shared inbox: each with its own Camel context, file endpoint and
 * {@link DropArchiveStrategy} claiming in one PostgreSQL database, as two processes have. Both listed the file; a
 * barrier lets them take it at the same instant. One takes it and moves it to {@code .done}; the other leaves it,
 * whether its claim was refused or came once the winner had moved the file and let the claim go. Repeated, so that
 * both instances win some races.
 */
class SharedDropRaceTest {

    private static final int RACES = 100;

    @TempDir
    Path dir;

    @Test
    void ofTwoInstancesRacingForAFileOneTakesItAndTheOtherLeavesIt() throws Exception {
        DataSource database = EmbeddedPostgresServer.newDatabase().dataSource();
        new LedgerDatabase(database, "the test's PostgreSQL database").createSchema();
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        int blueWon = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Instance blue = new Instance("blue", database, inbox); Instance green = new Instance("green", database, inbox)) {
            for (int race = 0; race < RACES; race++) {
                String name = "race-" + race + ".csv";
                Files.writeString(inbox.resolve(name), "sender,description,iso_code,entity_id\n", StandardCharsets.UTF_8);
                // as each instance's poll listed it
                GenericFile<File> seenByBlue = blue.listed(name);
                GenericFile<File> seenByGreen = green.listed(name);
                CyclicBarrier go = new CyclicBarrier(2);
                Future<Boolean> byBlue = pool.submit(() -> blue.take(seenByBlue, go));
                Future<Boolean> byGreen = pool.submit(() -> green.take(seenByGreen, go));
                boolean blueTook = byBlue.get(30, TimeUnit.SECONDS);
                boolean greenTook = byGreen.get(30, TimeUnit.SECONDS);

                assertThat(blueTook ^ greenTook).as("race %d: exactly one instance took %s (blue %s, green %s)", race, name,
                        blueTook, greenTook).isTrue();
                assertThat(inbox.resolve(name)).doesNotExist();
                assertThat(inbox.resolve(".done").resolve(name)).exists();
                blueWon += blueTook ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> done = Files.list(inbox.resolve(".done"))) {
            assertThat(done).as("each file archived once, none a second time under a stamped name").hasSize(RACES);
        }
        assertThat(inbox.resolve(".error")).doesNotExist();
        assertThat(blueWon).as("each instance won some of the %d races: they did race", RACES).isBetween(1, RACES - 1);
    }

    /** One instance's side of the drop: its Camel context, its endpoint on the shared inbox, its claims. */
    private static final class Instance implements AutoCloseable {
        private final DefaultCamelContext camel = new DefaultCamelContext();
        private final FileEndpoint endpoint;
        private final FileOperations operations;
        private final DropArchiveStrategy<File> strategy;
        private final Path inbox;

        Instance(String name, DataSource database, Path inbox) {
            this.inbox = inbox;
            camel.start();
            // the options of routes/10-intake-directory.camel.yaml that say where a file goes; no read lock: the
            // files of the races are complete before they are listed
            endpoint = camel.getEndpoint("file:" + inbox + "?move=.done&moveFailed=.error&readLock=none"
                    + "&copyAndDeleteOnRenameFail=false", FileEndpoint.class);
            operations = new FileOperations(endpoint);
            strategy = new DropArchiveStrategy<>(Clock.systemUTC(), new PostgresFileClaims(database, name, Clock.systemUTC()));
        }

        GenericFile<File> listed(String name) {
            return FileConsumer.asGenericFile(inbox.toString(), inbox.resolve(name).toFile(), null, false);
        }

        /** Takes the file as the consumer does when the barrier lets it go: begin, and commit when begun. */
        boolean take(GenericFile<File> file, CyclicBarrier go) throws Exception {
            Exchange exchange = endpoint.createExchange(file);
            go.await(20, TimeUnit.SECONDS);
            if (!strategy.begin(operations, endpoint, exchange, file)) {
                return false;
            }
            strategy.commit(operations, endpoint, exchange, file);
            return true;
        }

        @Override
        public void close() {
            camel.stop();
        }
    }
}
