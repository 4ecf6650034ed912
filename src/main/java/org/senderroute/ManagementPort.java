package org.senderroute;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management server's address (health, metrics), checked before start: a port another process holds is told in
 * one line. A {@code --once} run goes on without the server (a scheduled job does not fail for its metrics port); a
 * service does not start.
 */
final class ManagementPort {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementPort.class);

    private ManagementPort() {
    }

    /** False when the service must not start; with {@code --once}, a taken port switches the server off instead. */
    static boolean available(ConfigurationSources sources, Properties overrides, boolean once) {
        if (!Boolean.parseBoolean(sources.value("camel.management.enabled", overrides, "false").trim())) {
            return true;
        }
        String host = sources.value("camel.management.host", overrides, "0.0.0.0").trim();
        int port;
        try {
            port = Integer.parseInt(sources.value("camel.management.port", overrides, "8080").trim());
        } catch (NumberFormatException e) {
            return true;
        }
        if (port == 0) {
            return true;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            String why = "the management server cannot listen on " + host + ":" + port + " (camel.management.host, "
                    + "camel.management.port / CAMEL_MANAGEMENT_PORT): " + e.getMessage();
            if (once) {
                LOG.error("{}; this --once run goes on without health and metrics", why);
                overrides.setProperty("camel.management.enabled", "false");
                return true;
            }
            System.err.println("kaleyra-sender-route cannot start: " + why);
            return false;
        }
    }
}
