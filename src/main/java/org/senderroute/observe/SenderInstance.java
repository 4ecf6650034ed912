package org.senderroute.observe;

import java.io.IOException;
import java.net.InetAddress;

/**
 * The name of this running instance ({@code sender.instance-id}, {@code SENDER_INSTANCE_ID}): in every log line, as
 * the tag {@code instance} of the module's metrics, and in the lock of the ledger journal it holds. Unset, it is the
 * host name and the process id ({@code web-1-4242}), which tells apart instances on one host as on several.
 */
public final class SenderInstance {

    /** The setting. */
    public static final String PROPERTY = "sender.instance-id";
    /** The system property the log layouts read ({@code ${sys:senderInstance}} in log4j2.properties). */
    static final String LOG_PROPERTY = "senderInstance";

    private SenderInstance() {
    }

    /** The instance's name: the configured one, or when unset (null or blank) that of this process. */
    public static String of(String configured) {
        if (configured == null || configured.isBlank()) {
            return ofThisProcess();
        }
        String name = configured.trim();
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(PROPERTY + " (SENDER_INSTANCE_ID) must not hold control characters");
        }
        return name;
    }

    /** The host name and the process id: {@code web-1-4242}. */
    public static String ofThisProcess() {
        return hostName() + "-" + ProcessHandle.current().pid();
    }

    /** This machine's name; {@code localhost} when it has none the resolver knows. */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? "localhost" : fromEnvironment.trim();
        }
    }

    /** Names the instance in every log line from now on (both layouts of log4j2.properties read it). */
    public static void nameLogLines(String name) {
        System.setProperty(LOG_PROPERTY, name);
    }
}
