package org.senderroute.intake;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Objects;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchRevokedHostKeyException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.SftpException;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.LoggingExceptionHandler;
import org.senderroute.domain.RunVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the polls of the SFTP drop. A poll that cannot reach the server (refused host key, refused login, server
 * down, network cut) is reported as one clear ERROR line saying why, once until the reason changes or the server is
 * reachable again (then one INFO line), instead of a stack trace at every poll; the connection is dropped so that the
 * next poll connects afresh (as Camel's own strategy for remote files does).
 * <p>
 * With {@code --once} there is no next poll to wait for: a failed poll ends the run, which exits non-zero with the
 * reason.
 * <p>
 * Bound as both the consumer's {@code pollStrategy} and its {@code exceptionHandler}.
 */
public final class SftpPollMonitor extends RemoteFilePollingConsumerPollStrategy implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SftpPollMonitor.class);
    private static final String POLL_FAILED = "Failed polling endpoint";

    private final CamelContext context;
    private final String server;
    private final String knownHostsFile;
    private final boolean once;
    private final ExceptionHandler others;
    private volatile String lastProblem;

    /**
     * @param server         the drop as shown in log lines (no credentials)
     * @param knownHostsFile the file host keys are checked against, or null when they are not checked
     * @param once           a --once run: a failed poll ends it
     */
    public SftpPollMonitor(CamelContext context, String server, String knownHostsFile, boolean once) {
        this.context = context;
        this.server = server;
        this.knownHostsFile = knownHostsFile;
        this.once = once;
        this.others = new LoggingExceptionHandler(context, SftpPollMonitor.class, LoggingLevel.WARN);
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (lastProblem != null) {
            lastProblem = null;
            LOG.info("SFTP drop {} is reachable again", server);
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) throws Exception {
        String problem = explain(cause);
        if (!Objects.equals(problem, lastProblem)) {
            lastProblem = problem;
            LOG.error("SFTP drop {} cannot be read: {}. Nothing is taken from it until this is fixed{}", server, problem,
                    once ? "" : "; polling goes on");
        } else {
            LOG.debug("SFTP drop {} still cannot be read: {}", server, problem);
        }
        if (once) {
            RunVerdict verdict = context.getRegistry().lookupByNameAndType("runVerdict", RunVerdict.class);
            if (verdict != null) {
                verdict.failed("the SFTP drop " + server + " could not be read: " + problem);
            }
            IntakeDrain drain = context.getRegistry().lookupByNameAndType("intakeDrain", IntakeDrain.class);
            if (drain != null) {
                drain.drained("sftp");
            }
        }
        // drops the connection, so that the next poll logs in again
        return super.rollback(consumer, endpoint, retryCounter, cause);
    }

    /** What went wrong, in words an operator can act on. Never holds a credential. */
    String explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JSchChangedHostKeyException) {
                return "the server's host key does not match the one listed for it in sender.sftp.known-hosts-file ("
                        + knownHostsFile + "), so the connection was refused (" + t.getMessage() + "). If the partner has "
                        + "really changed its key, check the new fingerprint with them and replace the line";
            }
            if (t instanceof JSchUnknownHostKeyException) {
                return "the server's host key is not listed in sender.sftp.known-hosts-file (" + knownHostsFile
                        + "), so the connection was refused (" + t.getMessage() + ")";
            }
            if (t instanceof JSchRevokedHostKeyException) {
                return "the server's host key is marked revoked in sender.sftp.known-hosts-file (" + knownHostsFile
                        + "), so the connection was refused";
            }
            if (t instanceof JSchException && t.getMessage() != null && t.getMessage().startsWith("Auth ")) {
                return "the server refused the login (" + t.getMessage() + "): check sender.sftp.username and "
                        + "sender.sftp.private-key-file / sender.sftp.password";
            }
            if (t instanceof SftpException e && e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return "not found on the server (" + e.getMessage() + "): check sender.sftp.directory";
            }
            if (t instanceof SftpException e && e.id == ChannelSftp.SSH_FX_PERMISSION_DENIED) {
                return "permission denied by the server (" + e.getMessage() + ")";
            }
            if (t instanceof UnknownHostException) {
                return "the host name is unknown (" + t.getMessage() + ")";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "no connection to the server (" + t.getMessage() + ")";
            }
            if (t instanceof SocketTimeoutException) {
                return "the server did not answer in time (" + t.getMessage() + ")";
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? String.valueOf(failure.getMessage())
                : failure.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    // ExceptionHandler: a failed poll has been reported by rollback already; anything else is logged as usual.

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (message != null && message.startsWith(POLL_FAILED)) {
            LOG.debug(message, exception);
        } else {
            others.handleException(message, exchange, exception);
        }
    }
}
