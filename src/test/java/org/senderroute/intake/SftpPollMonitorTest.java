package org.senderroute.intake;

import java.net.ConnectException;
import java.net.UnknownHostException;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SftpException;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.senderroute.domain.RunVerdict;
import org.senderroute.testsupport.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;

/** What the SFTP drop says when a poll fails, and what a failed poll does to a --once run. */
class SftpPollMonitorTest {

    private static final String SERVER = "sftp://partner@sftp.example.com:22/inbox";

    DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private static Exception failed(Throwable cause) {
        return new GenericFileOperationFailedException("Cannot connect to sftp://partner@sftp.example.com:22", cause);
    }

    @Test
    void explainsTheUsualCausesInWordsAnOperatorCanActOn() {
        SftpPollMonitor monitor = new SftpPollMonitor(context, SERVER, "/etc/sender/known_hosts", false);

        assertThat(monitor.explain(failed(new JSchException("Auth fail for methods 'publickey'"))))
                .contains("the server refused the login", "sender.sftp.username", "sender.sftp.private-key-file");
        assertThat(monitor.explain(failed(new JSchException("session is down", new ConnectException("Connection refused")))))
                .isEqualTo("no connection to the server (Connection refused)");
        assertThat(monitor.explain(failed(new UnknownHostException("sftp.example.com"))))
                .isEqualTo("the host name is unknown (sftp.example.com)");
        assertThat(monitor.explain(new GenericFileOperationFailedException("Cannot list directory: inbox",
                new SftpException(ChannelSftp.SSH_FX_NO_SUCH_FILE, "No such file"))))
                .isEqualTo("not found on the server (No such file): check sender.sftp.directory");
        assertThat(monitor.explain(failed(new IllegalStateException("something else"))))
                .isEqualTo("Cannot connect to sftp://partner@sftp.example.com:22 (IllegalStateException: something else)");
    }

    @Test
    void reportsAProblemOnceUntilItChangesOrTheServerIsBack() throws Exception {
        SftpPollMonitor monitor = new SftpPollMonitor(context, SERVER, "/etc/sender/known_hosts", false);
        try (LogCapture logs = LogCapture.start()) {
            Exception refused = failed(new ConnectException("Connection refused"));
            monitor.rollback(null, null, 0, refused);
            monitor.rollback(null, null, 0, refused);
            monitor.handleException("Failed polling endpoint: sftp://sftp.example.com:22/inbox. Will try again at next poll",
                    refused);
            monitor.commit(null, null, 0);
            monitor.commit(null, null, 0);
            monitor.rollback(null, null, 0, refused);

            assertThat(logs.lines()).filteredOn(l -> l.contains("SftpPollMonitor")).containsExactly(
                    "ERROR org.senderroute.intake.SftpPollMonitor - SFTP drop " + SERVER + " cannot be read: no connection "
                            + "to the server (Connection refused). Nothing is taken from it until this is fixed; polling goes on",
                    "INFO org.senderroute.intake.SftpPollMonitor - SFTP drop " + SERVER + " is reachable again",
                    "ERROR org.senderroute.intake.SftpPollMonitor - SFTP drop " + SERVER + " cannot be read: no connection "
                            + "to the server (Connection refused). Nothing is taken from it until this is fixed; polling goes on");
        }
    }

    @Test
    void inOnceModeAFailedPollEndsTheRunWithTheReason() throws Exception {
        RunVerdict verdict = new RunVerdict();
        IntakeDrain drain = new IntakeDrain("sftp", "");
        context.getRegistry().bind("runVerdict", verdict);
        context.getRegistry().bind("intakeDrain", drain);
        SftpPollMonitor monitor = new SftpPollMonitor(context, SERVER, "/etc/sender/known_hosts", true);

        monitor.rollback(null, null, 0, failed(new ConnectException("Connection refused")));

        assertThat(drain.isDrained()).isTrue();
        assertThat(verdict.exitCode()).isEqualTo(RunVerdict.FAILED);
        assertThat(verdict.reason()).isEqualTo("the SFTP drop " + SERVER + " could not be read: no connection to the server "
                + "(Connection refused)");
    }
}
