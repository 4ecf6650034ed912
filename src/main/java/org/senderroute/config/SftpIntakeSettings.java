package org.senderroute.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedCamelContext;
import org.apache.camel.spi.Registry;
import org.senderroute.intake.SftpPollMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SFTP drop ({@code routes/11-intake-sftp.camel.yaml}): checks its settings at start-up and binds what its
 * endpoint refers to.
 * <p>
 * When {@code sender.sftp.enabled=true}, start-up stops (an {@link IllegalArgumentException} naming the property and
 * its environment variable) unless host, username and directory are set, a password or a private key file is set
 * (an existing, readable file), and the known-hosts file exists; host keys are checked unless
 * {@code sender.sftp.strict-host-key-checking=false}, which is then warned about at every start.
 * <p>
 * The password and the key passphrase never enter an endpoint URI: the route refers to them as
 * {@code #bean:sftpPassword} and {@code #bean:sftpPrivateKeyPassphrase}, bound here, so they cannot reach a log
 * line through a URI whatever characters they hold. The beans are bound even when the drop is disabled (empty), so
 * that an {@code sftp:} output URI can use them too.
 */
public final class SftpIntakeSettings {

    public static final String PASSWORD_BEAN = "sftpPassword";
    public static final String PASSPHRASE_BEAN = "sftpPrivateKeyPassphrase";
    public static final String HOST_KEY_CHECKING_BEAN = "sftpStrictHostKeyChecking";
    public static final String KNOWN_HOSTS_BEAN = "sftpKnownHostsFile";
    public static final String AUTHENTICATIONS_BEAN = "sftpPreferredAuthentications";
    public static final String POLL_MONITOR_BEAN = "sftpPollMonitor";

    /** Last name part of a property Camel does not already treat as secret (it masks "password" by itself). */
    private static final String PASSPHRASE_KEYWORD = "privatekeypassphrase";

    private static final Logger LOG = LoggerFactory.getLogger(SftpIntakeSettings.class);

    private SftpIntakeSettings() {
    }

    /** Checks the settings of the SFTP drop (when enabled) and binds the beans its route refers to. */
    public static void configure(CamelContext context, Settings settings) throws Exception {
        maskPassphraseInLogs(context);

        boolean enabled = settings.flag("sender.sftp.enabled", false);
        boolean strict = settings.flag("sender.sftp.strict-host-key-checking", true);
        String password = secret(context, "sender.sftp.password");
        String passphrase = secret(context, "sender.sftp.private-key-passphrase");
        String keyFile = settings.get("sender.sftp.private-key-file");
        String knownHosts = settings.get("sender.sftp.known-hosts-file");
        SftpPollMonitor monitor = new SftpPollMonitor(context, "sftp (disabled)", null, false);

        if (enabled) {
            String host = require(settings, "sender.sftp.host");
            int port = settings.integer("sender.sftp.port", 22, 1, 65535);
            String username = require(settings, "sender.sftp.username");
            String directory = require(settings, "sender.sftp.directory");
            if (password == null && keyFile == null) {
                throw new IllegalArgumentException("sender.sftp.password or sender.sftp.private-key-file must be set for the "
                        + "SFTP drop: set one in config/application.properties or in the environment variable "
                        + variable("sender.sftp.password") + " or " + variable("sender.sftp.private-key-file"));
            }
            if (keyFile != null) {
                requireReadableFile("sender.sftp.private-key-file", keyFile);
            }
            if (strict) {
                if (knownHosts == null) {
                    throw new IllegalArgumentException("sender.sftp.known-hosts-file is not set: the SFTP drop checks the "
                            + "server's host key against it; set it in config/application.properties or in the environment "
                            + "variable " + variable("sender.sftp.known-hosts-file")
                            + " (or switch checking off with sender.sftp.strict-host-key-checking=false)");
                }
                requireReadableFile("sender.sftp.known-hosts-file", knownHosts);
            }
            settings.millis("sender.sftp.poll-delay", 5000);
            long checkInterval = settings.millis("sender.sftp.read-lock-check-interval", 5000);
            long lockTimeout = settings.millis("sender.sftp.read-lock-timeout", 30000);
            if (lockTimeout <= checkInterval) {
                throw new IllegalArgumentException("sender.sftp.read-lock-timeout (" + lockTimeout
                        + ") must be longer than sender.sftp.read-lock-check-interval (" + checkInterval + ")");
            }

            String server = "sftp://" + username + "@" + host + ":" + port + "/" + directory;
            if (!strict) {
                LOG.warn("SFTP drop {}: the server's host key is NOT checked (sender.sftp.strict-host-key-checking=false); "
                        + "anyone able to intercept the connection can pose as the server. Set "
                        + "sender.sftp.known-hosts-file and remove that setting.", server);
            }
            LOG.info("SFTP drop {}: {} authentication, host key {}", server,
                    keyFile != null ? (password != null ? "key, then password" : "key") : "password",
                    strict ? "checked against " + knownHosts : "NOT checked");
            monitor = new SftpPollMonitor(context, server, strict ? knownHosts : null, settings.flag("sender.once", false));
        }

        Registry registry = context.getRegistry();
        registry.bind(POLL_MONITOR_BEAN, monitor);
        registry.bind(PASSWORD_BEAN, password == null ? "" : password);
        registry.bind(PASSPHRASE_BEAN, passphrase == null ? "" : passphrase);
        registry.bind(HOST_KEY_CHECKING_BEAN, strict ? "yes" : "no");
        // unchecked, jsch would record the keys it meets in the file: it is then not handed over at all
        registry.bind(KNOWN_HOSTS_BEAN, strict && knownHosts != null ? knownHosts : "");
        registry.bind(AUTHENTICATIONS_BEAN, authentications(keyFile != null, password != null));
    }

    /**
     * The authentications jsch tries, in order: only those configured, so that no empty password is offered and no
     * Kerberos (gssapi) exchange is attempted.
     */
    static String authentications(boolean key, boolean password) {
        if (key && password) {
            return "publickey,keyboard-interactive,password";
        }
        return key ? "publickey" : "keyboard-interactive,password";
    }

    /**
     * Camel Main lists the properties it resolved at start-up, masking the values of names it knows to be secret;
     * {@code private-key-passphrase} is not one of them by default.
     */
    private static void maskPassphraseInLogs(CamelContext context) {
        ExtendedCamelContext ext = context.getCamelContextExtension();
        String words = ext.getAdditionalSensitiveKeywords();
        if (words == null || words.isBlank()) {
            ext.setAdditionalSensitiveKeywords(PASSPHRASE_KEYWORD);
        } else if (!words.toLowerCase(Locale.ROOT).contains(PASSPHRASE_KEYWORD)) {
            ext.setAdditionalSensitiveKeywords(words + "," + PASSPHRASE_KEYWORD);
        }
    }

    /**
     * A secret as given (not trimmed: spaces may be part of it), or null when absent or blank. Read with the same
     * precedence as any setting (environment variable, then the properties), but not through Camel's placeholder
     * parser, which logs every value it resolves at DEBUG; only a value that is itself a placeholder (e.g.
     * {@code {{env:PARTNER_SFTP_PASSWORD}}}) is resolved.
     */
    private static String secret(CamelContext context, String key) {
        String value = System.getenv(variable(key));
        if (value == null) {
            Object raw = context.getPropertiesComponent().loadProperties(key::equals).get(key);
            value = raw == null ? null : raw.toString();
            if (value != null && value.contains("{{")) {
                value = context.getPropertiesComponent().parseUri(value);
            }
        }
        return value == null || value.isBlank() ? null : value;
    }

    private static String require(Settings settings, String property) {
        String value = settings.get(property);
        if (value == null) {
            throw new IllegalArgumentException(property + " is not set (sender.sftp.enabled=true): set it in "
                    + "config/application.properties or in the environment variable " + variable(property));
        }
        return value;
    }

    private static void requireReadableFile(String property, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException(property + " names no readable file: '" + file + "' (set in "
                    + "config/application.properties or in the environment variable " + variable(property) + ")");
        }
    }

    static String variable(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
