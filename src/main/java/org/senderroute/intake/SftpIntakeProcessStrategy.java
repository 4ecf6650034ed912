package org.senderroute.intake;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.GenericFileProcessStrategy;
import org.apache.camel.component.file.remote.RemoteFileEndpoint;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.apache.camel.component.file.remote.strategy.SftpProcessStrategyFactory;
import org.apache.camel.component.file.strategy.GenericFileExpressionRenamer;
import org.apache.camel.component.file.strategy.GenericFileRenameProcessStrategy;
import org.apache.camel.component.file.strategy.GenericFileRenamer;
import org.apache.camel.support.service.ServiceHelper;
import org.senderroute.domain.FileRun;
import org.senderroute.support.NameStamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the SFTP drop does with a remote file once its exchange is over: exactly what the endpoint's own options say
 * (read lock, {@code move}, {@code moveFailed}: Camel's strategy, built from them), except that a file whose
 * processing a stop interrupted is left where it is, to be taken again at the next start, like in the directory
 * drop. Camel would otherwise move it to {@code .done} with part of its records never read. And a file already
 * archived under the same name is kept: the newcomer's name gets the time added (Camel would replace it).
 * <p>
 * Bound as the consumer's {@code processStrategy}; it must be used by one endpoint only.
 */
public final class SftpIntakeProcessStrategy implements GenericFileProcessStrategy<SftpRemoteFile> {

    private static final Logger LOG = LoggerFactory.getLogger(SftpIntakeProcessStrategy.class);

    private final Clock clock;
    private volatile GenericFileProcessStrategy<SftpRemoteFile> camel;

    public SftpIntakeProcessStrategy(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void prepareOnStartup(GenericFileOperations<SftpRemoteFile> operations,
            GenericFileEndpoint<SftpRemoteFile> endpoint) throws Exception {
        camel(endpoint).prepareOnStartup(operations, endpoint);
    }

    /** Builds Camel's strategy from the endpoint's options, as the endpoint does when no strategy is given. */
    private void configure(GenericFileEndpoint<SftpRemoteFile> endpoint) throws Exception {
        Map<String, Object> params = new HashMap<>();
        putIfSet(params, "move", endpoint.getMove());
        putIfSet(params, "moveFailed", endpoint.getMoveFailed());
        putIfSet(params, "preMove", endpoint.getPreMove());
        if (endpoint.isNoop()) {
            params.put("noop", "true");
        }
        putIfSet(params, "readLock", endpoint.getReadLock());
        if (endpoint.getReadLockCheckInterval() > 0) {
            params.put("readLockCheckInterval", endpoint.getReadLockCheckInterval());
        }
        if (endpoint.getReadLockTimeout() > 0) {
            params.put("readLockTimeout", endpoint.getReadLockTimeout());
        }
        params.put("readLockMinLength", endpoint.getReadLockMinLength());
        params.put("readLockMinAge", endpoint.getReadLockMinAge());
        params.put("readLockLoggingLevel", endpoint.getReadLockLoggingLevel());
        if (endpoint instanceof RemoteFileEndpoint<?> remote) {
            params.put("fastExistsCheck", remote.isFastExistsCheck());
        }
        GenericFileProcessStrategy<SftpRemoteFile> strategy
                = new SftpProcessStrategyFactory().createGenericFileProcessStrategy(endpoint.getCamelContext(), params);
        if (strategy instanceof GenericFileRenameProcessStrategy<SftpRemoteFile> moves) {
            if (moves.getCommitRenamer() instanceof GenericFileExpressionRenamer<SftpRemoteFile> done) {
                moves.setCommitRenamer(new KeepArchived(done.getExpression(), clock));
            }
            if (moves.getFailureRenamer() instanceof GenericFileExpressionRenamer<SftpRemoteFile> error) {
                moves.setFailureRenamer(new KeepArchived(error.getExpression(), clock));
            }
        }
        if (strategy instanceof CamelContextAware aware) {
            aware.setCamelContext(endpoint.getCamelContext());
        }
        ServiceHelper.startService(strategy);
        camel = strategy;
    }

    @Override
    public boolean begin(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint,
            Exchange exchange, GenericFile<SftpRemoteFile> file) throws Exception {
        return camel(endpoint).begin(operations, endpoint, exchange, file);
    }

    @Override
    public void abort(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint,
            Exchange exchange, GenericFile<SftpRemoteFile> file) throws Exception {
        camel(endpoint).abort(operations, endpoint, exchange, file);
    }

    @Override
    public void commit(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint,
            Exchange exchange, GenericFile<SftpRemoteFile> file) throws Exception {
        FileRun run = exchange.getProperty(FileRun.PROPERTY, FileRun.class);
        if (run != null && run.isInterrupted()) {
            LOG.info("{}: stopped before its end; left in the SFTP folder to be taken again at the next start",
                    run.inputName());
            // releases the read lock and removes the local copy; the remote file is not touched
            camel(endpoint).abort(operations, endpoint, exchange, file);
            return;
        }
        camel(endpoint).commit(operations, endpoint, exchange, file);
    }

    @Override
    public void rollback(GenericFileOperations<SftpRemoteFile> operations, GenericFileEndpoint<SftpRemoteFile> endpoint,
            Exchange exchange, GenericFile<SftpRemoteFile> file) throws Exception {
        camel(endpoint).rollback(operations, endpoint, exchange, file);
    }

    private GenericFileProcessStrategy<SftpRemoteFile> camel(GenericFileEndpoint<SftpRemoteFile> endpoint)
            throws Exception {
        if (camel == null) {
            synchronized (this) {
                if (camel == null) {
                    configure(endpoint);
                }
            }
        }
        return camel;
    }

    /**
     * Never replaces a file already archived (Camel would delete it first): when {@code .done} (or {@code .error})
     * already holds a file of that name, the time is added to the new one's name, as in the directory drop.
     */
    private static final class KeepArchived implements GenericFileRenamer<SftpRemoteFile> {
        private final Expression target;
        private final Clock clock;

        KeepArchived(Expression target, Clock clock) {
            this.target = target;
            this.clock = clock;
        }

        @Override
        public GenericFile<SftpRemoteFile> renameFile(GenericFileOperations<SftpRemoteFile> operations, Exchange exchange,
                GenericFile<SftpRemoteFile> file) {
            String name = target.evaluate(exchange, String.class);
            GenericFile<SftpRemoteFile> to = renamed(operations, file, name);
            if (!operations.existsFile(to.getAbsoluteFilePath())) {
                return to;
            }
            return renamed(operations, file, name + "." + NameStamp.at(clock.instant()));
        }

        private static GenericFile<SftpRemoteFile> renamed(GenericFileOperations<SftpRemoteFile> operations,
                GenericFile<SftpRemoteFile> file, String name) {
            GenericFile<SftpRemoteFile> result = operations.newGenericFile();
            file.copyFrom(file, result);
            result.changeFileName(name);
            return result;
        }
    }

    private static void putIfSet(Map<String, Object> params, String key, Object value) {
        if (value != null) {
            params.put(key, value);
        }
    }
}
