package org.senderroute.intake;

import org.apache.camel.component.file.remote.SftpComponent;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directory an {@code sftp:} URI gives: absolute with two slashes after the server, relative to the login
 * directory with one (Camel's own component makes both relative). The end-to-end proof, on a real OpenSSH server,
 * is {@code OpenSshDropTest}.
 */
class AbsolutePathSftpComponentTest {

    DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    @Test
    void twoSlashesGiveAnAbsoluteDirectoryAndOneARelativeOne() {
        context.getRegistry().bind("sftp", new AbsolutePathSftpComponent());

        assertThat(directory("sftp://sftp.example.com:22//upload/partner-a/out")).isEqualTo("/upload/partner-a/out");
        assertThat(directory("sftp://sftp.example.com:22/upload/out")).isEqualTo("upload/out");
        assertThat(directory("sftp://sftp.example.com:22//upload/out/?stepwise=false")).isEqualTo("/upload/out/");
    }

    @Test
    void theEndpointOptionsAreThoseOfCamelsComponent() {
        context.getRegistry().bind("sftp", new AbsolutePathSftpComponent());

        SftpEndpoint endpoint = context.getEndpoint("sftp://sftp.example.com:2222//upload/out?username=kaleyra"
                + "&stepwise=false&move=.done&moveFailed=.error&readLock=changed&autoCreate=false", SftpEndpoint.class);

        assertThat(endpoint.getComponent()).isInstanceOf(AbsolutePathSftpComponent.class);
        assertThat(endpoint.getConfiguration().getHost()).isEqualTo("sftp.example.com");
        assertThat(endpoint.getConfiguration().getPort()).isEqualTo(2222);
        assertThat(endpoint.getConfiguration().getUsername()).isEqualTo("kaleyra");
        assertThat(endpoint.getConfiguration().isStepwise()).isFalse();
        assertThat(endpoint.getReadLock()).isEqualTo("changed");
        assertThat(endpoint.isAutoCreate()).isFalse();
    }

    @Test
    void camelsOwnComponentMakesAnAbsoluteDirectoryRelative() {
        context.getRegistry().bind("sftp", new SftpComponent());

        assertThat(directory("sftp://sftp.example.com:22//upload/partner-a/out")).isEqualTo("upload/partner-a/out");
    }

    private String directory(String uri) {
        return context.getEndpoint(uri, SftpEndpoint.class).getConfiguration().getDirectory();
    }
}
