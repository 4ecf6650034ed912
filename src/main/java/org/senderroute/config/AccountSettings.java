package org.senderroute.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.senderroute.kaleyra.AccountRule;
import org.senderroute.kaleyra.KaleyraAccount;
import org.senderroute.kaleyra.KaleyraAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Kaleyra accounts from the configuration: the default account ({@code kaleyra.*}), the others listed in
 * {@code kaleyra.accounts} ({@code kaleyra.account.<name>.*}), and the rule that gives each file its account. An
 * account's api-key is its {@code .api-key} property or the content of the file its {@code .api-key-file} names
 * (a mounted secret), never both. Pod, base URL and sender path an account does not set are the default account's;
 * credentials never are.
 */
final class AccountSettings {

    private static final Logger LOG = LoggerFactory.getLogger(AccountSettings.class);

    static final String NAMES = "kaleyra.accounts";
    static final String DEFAULT_ENABLED = "sender.accounts.default-enabled";
    /** Derived from the rule for routes/10-intake-directory.camel.yaml: 2 looks into account folders, 1 does not. */
    static final String INBOX_MAX_DEPTH = "sender.inbox.max-depth";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+");
    private static final String DEFAULT_PATH = "/messages/sender";

    private AccountSettings() {
    }

    /**
     * @param defaultBaseUrl the default account's base URL: {@code kaleyra.base-url}, or the sandbox's when it runs
     */
    static KaleyraAccounts configure(CamelContext context, Settings settings, String defaultBaseUrl) {
        AccountRule rule = AccountRule.parse(settings.get(AccountRule.PROPERTY, "none"));
        boolean defaultEnabled = settings.flag(DEFAULT_ENABLED, true);
        if (!defaultEnabled && rule == AccountRule.NONE) {
            throw new IllegalArgumentException(DEFAULT_ENABLED + "=false needs " + AccountRule.PROPERTY
                    + "=prefix or folder: with the rule none every file goes to the default account");
        }
        String pod = settings.get("kaleyra.pod", "in");
        String senderPath = settings.get("kaleyra.sender-path", DEFAULT_PATH);

        KaleyraAccount defaultAccount;
        String defaultSid = settings.get("kaleyra.sid");
        String defaultKey = apiKey(settings, "kaleyra");
        if (defaultEnabled || defaultSid != null || defaultKey != null) {
            defaultAccount = KaleyraAccount.configure(KaleyraAccounts.DEFAULT, "kaleyra", defaultSid, defaultKey, pod,
                    defaultBaseUrl, senderPath);
        } else {
            defaultAccount = KaleyraAccount.withoutCredentials(KaleyraAccounts.DEFAULT, "kaleyra", pod, defaultBaseUrl,
                    senderPath);
        }

        List<KaleyraAccount> others = new ArrayList<>();
        for (String name : names(settings.get(NAMES))) {
            String prefix = "kaleyra.account." + name;
            String ownPod = settings.get(prefix + ".pod");
            String ownBase = settings.get(prefix + ".base-url");
            // an account with a pod of its own does not inherit the default account's base URL
            String base = ownBase != null ? ownBase : ownPod != null ? null : defaultBaseUrl;
            others.add(KaleyraAccount.configure(name, prefix, settings.get(prefix + ".sid"), apiKey(settings, prefix),
                    ownPod != null ? ownPod : pod, base, settings.get(prefix + ".sender-path", senderPath)));
        }
        if (!defaultEnabled && others.isEmpty()) {
            throw new IllegalArgumentException(DEFAULT_ENABLED + "=false needs at least one account in " + NAMES);
        }
        KaleyraAccounts accounts = new KaleyraAccounts(defaultAccount, defaultEnabled, others, rule);

        context.getPropertiesComponent().addOverrideProperty(INBOX_MAX_DEPTH, rule == AccountRule.FOLDER ? "2" : "1");

        for (KaleyraAccount account : accounts.accounts()) {
            LOG.info("Kaleyra account {}: {}", account.name(), account);
        }
        if (!defaultEnabled) {
            LOG.info("Kaleyra account default: disabled ({}=false)", DEFAULT_ENABLED);
        }
        LOG.info("Kaleyra accounts: {}", accounts.describe());
        return accounts;
    }

    /** The names listed in kaleyra.accounts, checked. */
    static Set<String> names(String list) {
        Set<String> names = new LinkedHashSet<>();
        if (list == null) {
            return names;
        }
        for (String raw : list.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(NAMES + ": '" + name + "' is not a valid account name: use lower-case "
                        + "letters and digits only (the name is part of the properties kaleyra.account.<name>.*, of their "
                        + "environment variables and of file names or folders)");
            }
            if (name.equals(KaleyraAccounts.DEFAULT)) {
                throw new IllegalArgumentException(NAMES + ": 'default' is the account of the kaleyra.* properties; "
                        + "give the other accounts other names");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(NAMES + " names the account '" + name + "' twice");
            }
        }
        return names;
    }

    /**
     * The api-key of the account with this property prefix: {@code <prefix>.api-key}, or the content of the file
     * {@code <prefix>.api-key-file} names (trimmed). Null when neither is set. Messages never hold the key.
     */
    static String apiKey(Settings settings, String prefix) {
        return secret(settings, prefix + ".api-key");
    }

    /**
     * A secret of one token: the property's value, or the content of the file its {@code -file} property names
     * (trimmed). Null when neither is set. Messages never hold the secret.
     */
    static String secret(Settings settings, String keyProperty) {
        String fileProperty = keyProperty + "-file";
        String key = settings.get(keyProperty);
        String file = settings.get(fileProperty);
        if (key != null && file != null) {
            throw new IllegalArgumentException(keyProperty + " and " + fileProperty + " are both set (" + variables(keyProperty,
                    fileProperty) + "): set only one of them, the key itself or the file that holds it");
        }
        if (file == null) {
            if (key != null && !isSingleToken(key)) {
                throw new IllegalArgumentException(keyProperty + " holds a space or a control character: it must be the "
                        + "key alone");
            }
            return key;
        }
        Path path = Path.of(file);
        String content = SecretFile.read(fileProperty, path, String::strip);
        if (!isSingleToken(content)) {
            throw new IllegalArgumentException(fileProperty + ": the file " + path + " must hold the key alone, on one "
                    + "line (it holds a space, a line break or a control character)");
        }
        return content;
    }

    private static boolean isSingleToken(String value) {
        return value.chars().noneMatch(c -> c <= ' ' || c == 127 || Character.isWhitespace(c));
    }

    private static String variables(String... properties) {
        List<String> names = new ArrayList<>();
        for (String property : properties) {
            names.add(KaleyraAccount.variableOf(property));
        }
        return "environment variables " + String.join(", ", names);
    }
}
