package org.senderroute.testsupport;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The settings of an SFTP drop on a test server: key login, host key checked, short timers. */
public final class SftpDropSettings {

    private SftpDropSettings() {
    }

    /** The drop of {@code directory} on the server; extra pairs (property, value) override the settings. */
    public static Map<String, String> of(String host, int port, String username, Path clientKey, Path knownHosts,
            String directory, String... overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("sender.sftp.enabled", "true");
        m.put("sender.sftp.host", host);
        m.put("sender.sftp.port", Integer.toString(port));
        m.put("sender.sftp.username", username);
        m.put("sender.sftp.directory", directory);
        m.put("sender.sftp.private-key-file", clientKey.toString());
        m.put("sender.sftp.known-hosts-file", knownHosts.toString());
        m.put("sender.sftp.poll-delay", "200");
        m.put("sender.sftp.read-lock-check-interval", "400");
        m.put("sender.sftp.read-lock-timeout", "5000");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            m.put(overrides[i], overrides[i + 1]);
        }
        return m;
    }
}
