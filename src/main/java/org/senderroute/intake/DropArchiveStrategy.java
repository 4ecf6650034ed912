package org.senderroute.intake;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.component.file.FileConstants;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.GenericFileProcessStrategy;
import org.apache.camel.component.file.GenericFileProcessStrategyFactory;
import org.apache.camel.component.file.remote.RemoteFileConfiguration;
import org.apache.camel.component.file.remote.RemoteFileEndpoint;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.component.file.remote.strategy.SftpProcessStrategyFactory;
import org.apache.camel.component.file.strategy.FileProcessStrategyFactory;
import org.apache.camel.component.file.strategy.GenericFileExpressionRenamer;
import org.apache.camel.component.file.strategy.GenericFileRenameProcessStrategy;
import org.apache.camel.component.file.strategy.GenericFileRenamer;
import org.apache.camel.support.service.ServiceHelper;
import org.senderroute.domain.FileClaims;
import org.senderroute.domain.FileRun;
import org.senderroute.domain.LedgerAvailability;
import org.senderroute.domain.LedgerUnavailableException;
import org.senderroute.support.NameLength;
import org.senderroute.support.NameStamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a file taken from a drop goes once its exchange is over, the same for the directory drop and the SFTP drop
 * (the {@code processStrategy} of both endpoints). The file's run says it:
 * <ul>
 * <li>its outputs delivered (or it was recognised as processed before): to the endpoint's {@code move} folder,
 * {@code .done} beside it;</li>
 * <li>unreadable (its reason is in its failure output), or its processing failed: to the {@code moveFailed} folder,
 * {@code .error};</li>
 * <li>a stop interrupted it: left where it is, to be taken again at the next start;</li>
 * <li>the ledger's database stopped answering while it was processed ({@link #ledgerLost}): left where it is, to be
 * taken again once the database answers.</li>
 * </ul>
 * Taking the file (the read lock) and moving it are Camel's own {@link GenericFileRenameProcessStrategy}, built from
 * the endpoint's options as the endpoint builds it when given no strategy, except that a file already archived under
 * the same name is kept: the newcomer's name gets the time added (its start shortened when the name would be too
 * long), where Camel would replace it. A symbolic link is moved as a link (the file endpoint's
 * {@code copyAndDeleteOnRenameFail=false}); its target is never touched.
 * <p>
 * Where several instances watch the same drop, a file is processed by one of them: before taking it, an instance
 * claims it ({@link FileClaims}, keyed by the drop and the file's name in it); a file another instance has claimed is
 * left alone this poll. The claim is held until the file has been moved (or left), and released then.
 * <p>
 * A file of the directory drop first waits for a place among the files in flight ({@link FilesInFlight}): its route
 * hands it over to another thread, and the drop's consumer goes on to the next file while it is processed. The
 * claim, the move and Camel's in-progress record (a file in progress is never taken twice) belong to the file's own
 * exchange, whichever thread completes it; its place is free once it has been moved.
 * <p>
 * While the ledger's database does not answer ({@link LedgerAvailability}), no file is taken: each stays in the drop
 * untouched, and polling goes on quietly until the database answers.
 */
public final class DropArchiveStrategy<T> implements GenericFileProcessStrategy<T> {

    private static final Logger LOG = LoggerFactory.getLogger(DropArchiveStrategy.class);

    /** The exchange property holding the file's claim until its exchange is over. */
    public static final String CLAIM = "senderRouteFileClaim";
    /** The exchange property saying the file holds one of the places of {@link FilesInFlight} until its exchange is over. */
    static final String PLACE = "senderRouteFilePlace";
    /** The exchange property saying why the file is left in its drop for want of the ledger's database. */
    static final String LEDGER_UNAVAILABLE = "senderLedgerUnavailable";

    private final Clock clock;
    private final FileClaims claims;
    private final LedgerAvailability ledger;
    private final FilesInFlight filesInFlight;
    private final Map<GenericFileEndpoint<T>, GenericFileProcessStrategy<T>> camel = new ConcurrentHashMap<>();

    /** An instance that watches its drops alone. */
    public DropArchiveStrategy(Clock clock) {
        this(clock, FileClaims.none());
    }

    /** An instance that takes a file only once it has claimed it. */
    public DropArchiveStrategy(Clock clock, FileClaims claims) {
        this(clock, claims, LedgerAvailability.always());
    }

    /** An instance that takes a file only once it has claimed it, and only while its ledger's database answers. */
    public DropArchiveStrategy(Clock clock, FileClaims claims, LedgerAvailability ledger) {
        this(clock, claims, ledger, FilesInFlight.unbounded());
    }

    /**
     * As above, and a file of the directory drop is taken only once it has a place among the files in flight: the
     * drop's consumer waits for one (files of the SFTP drop are taken one at a time by their route and hold none).
     */
    public DropArchiveStrategy(Clock clock, FileClaims claims, LedgerAvailability ledger, FilesInFlight filesInFlight) {
        this.clock = clock;
        this.claims = claims;
        this.ledger = ledger;
        this.filesInFlight = filesInFlight;
    }

    @Override
    public void prepareOnStartup(GenericFileOperations<T> operations, GenericFileEndpoint<T> endpoint) throws Exception {
        camel(endpoint).prepareOnStartup(operations, endpoint);
    }

    @Override
    public boolean begin(GenericFileOperations<T> operations, GenericFileEndpoint<T> endpoint, Exchange exchange,
            GenericFile<T> file) throws Exception {
        if (endpoint instanceof FileEndpoint) {
            if (!filesInFlight.take()) {
                return false;
            }
            exchange.setProperty(PLACE, Boolean.TRUE);
            if (endpoint.getCamelContext().isStopping() || endpoint.getCamelContext().isStopped()) {
                // the place came free because a stop interrupted the file before: this one is left for the next start
                freePlace(exchange);
                return false;
            }
        }
        boolean begun = false;
        try {
            begun = claimAndBegin(operations, endpoint, exchange, file);
        } finally {
            if (!begun) {
                freePlace(exchange);
            }
        }
        return begun;
    }

    private boolean claimAndBegin(GenericFileOperations<T> operations, GenericFileEndpoint<T> endpoint,
            Exchange exchange, GenericFile<T> file) throws Exception {
        String key = fileKey(endpoint, file);
        if (ledger.unavailable() != null) {
            LOG.debug("{}: left in the drop while the ledger database does not answer", key);
            return false;
        }
        FileClaims.Claim claim;
        try {
            claim = claims.tryClaim(key).orElse(null);
        } catch (LedgerUnavailableException e) {
            ledger.lost(e);
            return false;
        }
        if (claim == null) {
            LOG.debug("{}: claimed by another instance; left to it", key);
            return false;
        }
        boolean begun = false;
        try {
            // processed and moved by another instance between the listing and the claim
            begun = (!(file.getFile() instanceof File local) || Files.exists(local.toPath(), LinkOption.NOFOLLOW_LINKS))
                    && camel(endpoint).begin(operations, endpoint, exchange, file);
        } finally {
            if (begun) {
                exchange.setProperty(CLAIM, claim);
            } else {
                claim.close();
            }
        }
        return begun;
    }

    @Override
    public void abort(GenericFileOperations<T> operations, GenericFileEndpoint<T> endpoint, Exchange exchange,
            GenericFile<T> file) throws Exception {
        try {
            localCopy(endpoint, exchange, file);
            camel(endpoint).abort(operations, endpoint, exchange, file);
        } finally {
            release(exchange);
        }
    }

    @Override
    public void commit(GenericFileOperations<T> operations, GenericFileEndpoint<T> endpoint, Exchange exchange,
            GenericFile<T> file) throws Exception {
        try {
            archive(operations, endpoint, exchange, file);
        } finally {
            release(exchange);
        }
    }

    private void archive(GenericFileOperations<T> operations, GenericFileEndpoint<T> endpoint, Exchange exchange,
            GenericFile<T> file) throws Exception {
        localCopy(endpoint, exchange, file);
        FileRun run = exchange.getProperty(FileRun.PROPERTY, FileRun.class);
        String ledgerUnavailable = exchange.getProperty(LEDGER_UNAVAILABLE, String.class);
        if (ledgerUnavailable != null) {
            LOG.info("{}: left in the {} to be processed again once the ledger database answers ({})",
                    run != null ? run.inputName() : file.getRelativeFilePath(), dropName(endpoint), ledgerUnavailable);
            camel(endpoint).abort(operations, endpoint, exchange, file);
        } else if (run != null && run.isInterrupted()) {
            LOG.info("{}: stopped before its end; left in the {} to be taken again at the next start", run.inputName(),
                    dropName(endpoint));
            // releases the read lock and removes a local copy; the file itself is not touched
            camel(endpoint).abort(operations, endpoint, exchange, file);
        } else if (run != null && run.isUnreadable()) {
            camel(endpoint).rollback(operations, endpoint, exchange, file);
        } else {
            camel(endpoint).commit(operations, endpoint, exchange, file);
        }
    }

    /**
     * For the routes' error handler: the ledger's database stopped answering while the file was processed. No further
     * call is made for it (the senders a call may have created stay pending in the ledger: an "Already exist" for them
     * later is a success), nothing of it is delivered, and the file stays in its drop, to be processed again once the
     * database answers: its outputs are then written under the same names.
     */
    public void ledgerLost(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LedgerUnavailableException lost = LedgerUnavailableException.in(caught);
        if (lost == null) {
            throw new IllegalStateException("no unreachable ledger database in " + caught, caught);
        }
        FileRun run = exchange.getProperty(FileRun.PROPERTY, FileRun.class);
        if (run != null) {
            run.abandon(lost);
        }
        exchange.setProperty(LEDGER_UNAVAILABLE, lost.getMessage());
        ledger.lost(lost);
    }

    private static String dropName(GenericFileEndpoint<?> endpoint) {
        return endpoint instanceof RemoteFileEndpoint ? "SFTP folder" : "inbox";
    }

    @Override
    public void rollback(GenericFileOperations<T> operations, GenericFileEndpoint<T> endpoint, Exchange exchange,
            GenericFile<T> file) throws Exception {
        try {
            localCopy(endpoint, exchange, file);
            camel(endpoint).rollback(operations, endpoint, exchange, file);
        } finally {
            release(exchange);
        }
    }

    /**
     * The key of a file's claim: its drop (the inbox's absolute path, or the SFTP server and folder) and its name in
     * the drop. Instances sharing a drop see it under the same path.
     */
    static String fileKey(GenericFileEndpoint<?> endpoint, GenericFile<?> file) {
        String drop;
        if (endpoint instanceof RemoteFileEndpoint<?> remote) {
            RemoteFileConfiguration c = remote.getConfiguration();
            drop = c.getProtocol() + "://" + c.getHost() + ":" + c.getPort() + "/" + c.getDirectory();
        } else {
            drop = "file:" + Path.of(endpoint.getConfiguration().getDirectory()).toAbsolutePath().normalize();
        }
        return drop + "|" + file.getRelativeFilePath().replace(File.separatorChar, '/');
    }

    /** The file's exchange is over (it has been moved, or left in its drop): its claim and its place are free. */
    private void release(Exchange exchange) {
        try {
            FileClaims.Claim claim = exchange.getProperty(CLAIM, FileClaims.Claim.class);
            if (claim != null) {
                exchange.removeProperty(CLAIM);
                claim.close();
            }
        } finally {
            freePlace(exchange);
        }
    }

    private void freePlace(Exchange exchange) {
        if (exchange.removeProperty(PLACE) != null) {
            filesInFlight.over();
        }
    }

    /** As Camel names the strategy in its line about a failed file. */
    @Override
    public String toString() {
        return "dropArchive (the file moves to its endpoint's moveFailed folder)";
    }

    /**
     * A remote file is read from its copy in the endpoint's local work directory. The routes keep the copy's header
     * away from the outputs (a {@code file:} output would take the copy as the file to write); it is named again here,
     * where Camel's strategy looks for it, so that the copy is removed.
     */
    private static void localCopy(GenericFileEndpoint<?> endpoint, Exchange exchange, GenericFile<?> file) {
        if (endpoint.getLocalWorkDirectory() != null
                && exchange.getIn().getHeader(FileConstants.FILE_LOCAL_WORK_PATH) == null) {
            exchange.getIn().setHeader(FileConstants.FILE_LOCAL_WORK_PATH,
                    new File(new File(endpoint.getLocalWorkDirectory()), file.getRelativeFilePath()).getPath());
        }
    }

    private GenericFileProcessStrategy<T> camel(GenericFileEndpoint<T> endpoint) {
        return camel.computeIfAbsent(endpoint, this::build);
    }

    /** Camel's strategy for the endpoint's options (read lock, move, moveFailed), keeping what is archived. */
    @SuppressWarnings("unchecked")
    private GenericFileProcessStrategy<T> build(GenericFileEndpoint<T> endpoint) {
        if (endpoint.getMove() == null || endpoint.getMoveFailed() == null) {
            throw new IllegalStateException("the drop " + endpoint.getEndpointBaseUri()
                    + " needs the options move and moveFailed: they say where its files go");
        }
        Map<String, Object> params = new HashMap<>();
        params.put("move", endpoint.getMove());
        params.put("moveFailed", endpoint.getMoveFailed());
        params.put("readLock", endpoint.getReadLock());
        if (endpoint.getReadLockCheckInterval() > 0) {
            params.put("readLockCheckInterval", endpoint.getReadLockCheckInterval());
        }
        if (endpoint.getReadLockTimeout() > 0) {
            params.put("readLockTimeout", endpoint.getReadLockTimeout());
        }
        params.put("readLockMinLength", endpoint.getReadLockMinLength());
        params.put("readLockMinAge", endpoint.getReadLockMinAge());
        params.put("readLockLoggingLevel", endpoint.getReadLockLoggingLevel());
        params.put("readLockMarkerFile", endpoint.isReadLockMarkerFile());
        params.put("readLockDeleteOrphanLockFiles", endpoint.isReadLockDeleteOrphanLockFiles());
        GenericFileProcessStrategyFactory<?> factory;
        if (endpoint instanceof FileEndpoint) {
            factory = new FileProcessStrategyFactory();
        } else if (endpoint instanceof SftpEndpoint sftp) {
            params.put("fastExistsCheck", sftp.isFastExistsCheck());
            factory = new SftpProcessStrategyFactory();
        } else {
            throw new IllegalStateException("dropArchive archives the files of file: and sftp: drops only, not of "
                    + endpoint.getEndpointBaseUri());
        }
        GenericFileProcessStrategy<T> strategy = (GenericFileProcessStrategy<T>) factory
                .createGenericFileProcessStrategy(endpoint.getCamelContext(), params);
        if (!(strategy instanceof GenericFileRenameProcessStrategy<T> moves)
                || !(moves.getCommitRenamer() instanceof GenericFileExpressionRenamer<T> done)
                || !(moves.getFailureRenamer() instanceof GenericFileExpressionRenamer<T> error)) {
            throw new IllegalStateException("unexpected process strategy for " + endpoint.getEndpointBaseUri() + ": "
                    + strategy);
        }
        moves.setCommitRenamer(new KeepArchived(done.getExpression()));
        moves.setFailureRenamer(new KeepArchived(error.getExpression()));
        if (strategy instanceof CamelContextAware aware) {
            aware.setCamelContext(endpoint.getCamelContext());
        }
        ServiceHelper.startService(strategy);
        return strategy;
    }

    /**
     * Never replaces a file already archived (Camel would delete it first): when {@code .done} (or {@code .error})
     * already holds a file of that name, the time is added to the newcomer's name.
     */
    private final class KeepArchived implements GenericFileRenamer<T> {
        private final Expression target;

        KeepArchived(Expression target) {
            this.target = target;
        }

        @Override
        public GenericFile<T> renameFile(GenericFileOperations<T> operations, Exchange exchange, GenericFile<T> file) {
            String path = target.evaluate(exchange, String.class);
            GenericFile<T> to = renamed(operations, file, path);
            if (!archived(operations, to)) {
                return to;
            }
            int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf(File.separatorChar));
            String stamp = "." + NameStamp.at(clock.instant());
            String name = NameLength.fit(path.substring(slash + 1), NameLength.MAX_BYTES - stamp.length()) + stamp;
            return renamed(operations, file, path.substring(0, slash + 1) + name);
        }
    }

    /** Whether the archive already holds that name; a local entry is looked at without following a link. */
    private static <T> boolean archived(GenericFileOperations<T> operations, GenericFile<T> to) {
        if (to.getFile() instanceof File) {
            return Files.exists(Path.of(to.getAbsoluteFilePath()), LinkOption.NOFOLLOW_LINKS);
        }
        return operations.existsFile(to.getAbsoluteFilePath());
    }

    private static <T> GenericFile<T> renamed(GenericFileOperations<T> operations, GenericFile<T> file, String path) {
        GenericFile<T> result = operations.newGenericFile();
        file.copyFrom(file, result);
        result.changeFileName(path);
        return result;
    }
}
