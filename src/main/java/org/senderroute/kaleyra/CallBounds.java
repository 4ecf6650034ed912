package org.senderroute.kaleyra;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * Bounds each call to Kaleyra as a whole. camel-http's {@code response-timeout} is per read, so a server that sends
 * one byte every few seconds keeps a call open as long as it likes, and nothing bounds a reply's size. Installed into
 * the HttpClient of the call's endpoint ({@code httpClientConfigurer}) as the outermost step of its execution chain,
 * this aborts the call's connection
 * <ul>
 * <li>once {@code sender.http.call-timeout} has passed since the call started, until its reply has been read to its
 * end (headers and body): the call then fails with a {@link CallTimeoutException};</li>
 * <li>once the reply's body goes over {@code sender.http.max-reply-bytes}: reading it fails with a
 * {@link ReplyTooLargeException}.</li>
 * </ul>
 * A reply left unread before its end also has its connection aborted rather than read to the end.
 */
public final class CallBounds implements HttpClientConfigurer {

    private final long callTimeoutMillis;
    private final long maxReplyBytes;
    private final ScheduledExecutorService timer;

    /** @param timer runs the deadlines (one thread is enough: a deadline only closes a connection) */
    public CallBounds(long callTimeoutMillis, long maxReplyBytes, ScheduledExecutorService timer) {
        this.callTimeoutMillis = callTimeoutMillis;
        this.maxReplyBytes = maxReplyBytes;
        this.timer = timer;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("kaleyra-call-bounds", this::execute);
    }

    private ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        Watch watch = new Watch(scope);
        ClassicHttpResponse response;
        try {
            response = chain.proceed(request, scope);
        } catch (IOException e) {
            watch.end();
            throw watch.failed(e);
        } catch (HttpException | RuntimeException e) {
            watch.end();
            throw e;
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            watch.end();
        } else {
            response.setEntity(new BoundedEntity(entity, watch));
        }
        return response;
    }

    /** One call's deadline, and the means to abort its connection. */
    private final class Watch {

        private final ExecChain.Scope scope;
        private final ScheduledFuture<?> deadline;
        private volatile boolean passed;

        Watch(ExecChain.Scope scope) {
            this.scope = scope;
            this.deadline = timer.schedule(this::pass, callTimeoutMillis, TimeUnit.MILLISECONDS);
        }

        private void pass() {
            passed = true;
            abort();
        }

        /** Closes the connection at once: a read blocked on it fails, nothing more is read from it. */
        void abort() {
            scope.execRuntime.discardEndpoint();
            if (scope.originalRequest instanceof Cancellable request) {
                request.cancel();
            }
        }

        /** The reply has been read to its end (or the call failed): the deadline no longer applies. */
        void end() {
            deadline.cancel(false);
        }

        boolean passed() {
            return passed;
        }

        /** What a failure of the call is: a timeout if the deadline passed (the abort caused it), else itself. */
        IOException failed(IOException e) {
            if (!passed) {
                return e;
            }
            CallTimeoutException timeout = new CallTimeoutException(callTimeoutMillis);
            if (e != null) {
                timeout.initCause(e);
            }
            return timeout;
        }
    }

    /** The reply's entity, whose content is read through a {@link BoundedStream}. */
    private final class BoundedEntity extends HttpEntityWrapper {

        private final Watch watch;
        private InputStream content;

        BoundedEntity(HttpEntity entity, Watch watch) {
            super(entity);
            this.watch = watch;
        }

        @Override
        public InputStream getContent() throws IOException {
            if (content == null) {
                content = new BoundedStream(super.getContent(), watch);
            }
            return content;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            getContent().transferTo(out);
        }

        @Override
        public void close() throws IOException {
            if (content != null) {
                content.close();
            } else {
                watch.end();
                super.close();
            }
        }
    }

    /** Counts what is read, fails once over the size cap or past the deadline, and aborts when closed before its end. */
    private final class BoundedStream extends FilterInputStream {

        private final Watch watch;
        private long read;
        private boolean ended;

        BoundedStream(InputStream in, Watch watch) {
            super(in);
            this.watch = watch;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (watch.passed()) {
                throw watch.failed(null);
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw watch.failed(e);
            }
            if (n < 0) {
                ended = true;
                watch.end();
                return n;
            }
            read += n;
            if (read > maxReplyBytes) {
                watch.end();
                watch.abort();
                throw new ReplyTooLargeException(maxReplyBytes);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return Math.max(read(new byte[(int) Math.min(Math.max(n, 1), 8192)]), 0);
        }

        @Override
        public void close() throws IOException {
            watch.end();
            if (ended) {
                in.close();
                return;
            }
            // never read the rest of a reply nobody wants: it may not end, or be huge
            watch.abort();
            try {
                in.close();
            } catch (IOException aborted) {
                // the connection is gone, as intended
            }
        }
    }
}
