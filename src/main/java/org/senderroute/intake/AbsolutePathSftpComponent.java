package org.senderroute.intake;

import java.net.URI;
import java.util.Map;

import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.remote.SftpComponent;
import org.apache.camel.component.file.remote.SftpConfiguration;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.util.StringHelper;

/**
 * Camel's {@code sftp} component, except that a directory written with a double slash after the server
 * ({@code sftp://host:22//upload/partner-a/out}) stays absolute; with one slash ({@code sftp://host:22/upload/out})
 * it is relative to the login directory, as with Camel's.
 * <p>
 * Camel turns every directory into one relative to the login directory (it strips the leading {@code /}): on a
 * server that does not start sessions at {@code /} (OpenSSH starts them in the user's home), an absolute folder
 * given by a partner is then not found. The rest of the component (listing, read lock, download, moves to
 * {@code .done} / {@code .error}) already works with absolute paths.
 * <p>
 * Named {@code sftp} like Camel's, so that Camel finds the same endpoint options for it.
 */
@Component("sftp")
public final class AbsolutePathSftpComponent extends SftpComponent {

    @Override
    protected GenericFileEndpoint<SftpRemoteFile> buildFileEndpoint(String uri, String remaining,
            Map<String, Object> parameters) throws Exception {
        // as SftpComponent does, without making an absolute directory relative: the URI's path loses its first
        // separator only, so "//upload/out" is the directory "/upload/out" and "/upload/out" is "upload/out"
        String baseUri = StringHelper.before(uri, "?", uri);
        return new SftpEndpoint(uri, this, new SftpConfiguration(new URI(baseUri)));
    }
}
