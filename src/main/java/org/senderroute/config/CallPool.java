package org.senderroute.config;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.senderroute.kaleyra.CallSlots;

/**
 * The threads that settle batches, {@code sender.http.max-concurrent-calls} of them, shared by every file. When all
 * are busy and the small queue is full, the splitter settles the next batch itself instead of reading further
 * ahead, so at most twice the pool size plus one batches are in memory. The calls themselves are bounded by
 * {@link CallSlots}.
 */
final class CallPool extends ServiceSupport {

    private final ThreadPoolExecutor executor;

    private CallPool(ThreadPoolExecutor executor) {
        this.executor = executor;
    }

    static ExecutorService start(CamelContext context, int size) throws Exception {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(size),
                CallPool::newThread, new ThreadPoolExecutor.CallerRunsPolicy());
        context.addService(new CallPool(executor), true, true);
        return executor;
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private static Thread newThread(Runnable r) {
        Thread thread = new Thread(r, "kaleyra-call-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    @Override
    protected void doStop() throws Exception {
        executor.shutdown();
        if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }
}
