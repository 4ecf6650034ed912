package org.senderroute.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.senderroute.domain.SenderRequest;
import org.senderroute.testsupport.EmbeddedPostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one PostgreSQL database owning the same senders at the same moment, each batch in an order of its
 * own: each sender is owned by one batch only, every other batch is told it is busy, and no call fails (on a
 * deadlock, say).
 */
class PostgresConcurrentOwnersTest {

    private static final String SID = "HXIN1234";
    private static final int SENDERS = 2000;
    private static final int CALLS_PER_INSTANCE = 4;

    /** What one batch was given: the senders it asked for and those it was refused. */
    private record Owned(List<String> asked, Set<String> refused) {
    }

    @Test
    void twoInstancesNeverOwnTheSameSenderAtOnce() throws Exception {
        EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.newDatabase();
        List<JdbcSenderLedger> instances = new ArrayList<>();
        for (String name : List.of("instance-a", "instance-b")) {
            JdbcSenderLedger ledger = new JdbcSenderLedger(new LedgerDatabase(database.dataSource(), name), 1, name);
            ledger.start();
            instances.add(ledger);
        }
        List<SenderRequest> senders = IntStream.range(0, SENDERS)
                .mapToObj(i -> SenderRequest.of(i + 1, "SND" + String.format("%04d", i), "d", "in", "123456789012")).toList();

        // every call of both instances asks for every sender, in an order of its own, all at once
        ExecutorService pool = Executors.newFixedThreadPool(2 * CALLS_PER_INSTANCE);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Owned>> calls = new ArrayList<>();
        try {
            for (JdbcSenderLedger ledger : instances) {
                for (int i = 0; i < CALLS_PER_INSTANCE; i++) {
                    List<SenderRequest> order = new ArrayList<>(senders);
                    Collections.shuffle(order, new Random(calls.size()));
                    calls.add(pool.submit(() -> {
                        go.await();
                        SenderOwnership owned = ledger.own(SID, order);
                        assertThat(owned.takenOver()).as("nobody's senders were taken over").isEmpty();
                        return new Owned(order.stream().map(SenderLedger::key).toList(), owned.busy().keySet());
                    }));
                }
            }
            go.countDown();
            List<Owned> results = new ArrayList<>();
            for (Future<Owned> f : calls) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }

            Set<String> ownedOnce = new HashSet<>();
            for (Owned result : results) {
                for (String key : result.asked()) {
                    if (!result.refused().contains(key)) {
                        assertThat(ownedOnce.add(key)).as("%s owned by two calls", key).isTrue();
                    }
                }
            }
            assertThat(ownedOnce).as("every sender owned by one call").hasSize(SENDERS);
            assertThat(results.stream().mapToInt(r -> r.refused().size()).sum())
                    .as("every other call refused it").isEqualTo((2 * CALLS_PER_INSTANCE - 1) * SENDERS);
        } finally {
            pool.shutdownNow();
            instances.forEach(JdbcSenderLedger::stop);
        }
    }
}
