package org.senderroute.kaleyra;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.ExchangeProperty;
import org.senderroute.domain.FileRun;

/**
 * The configured Kaleyra accounts and the rule that gives each file its account. The account of a file depends only
 * on the file's path in the drop, so every batch of a file goes to the same account: batches never mix accounts. A
 * file that names an account which is not configured (or names none while the default account is disabled) has no
 * account: it is refused before anything is read or sent, never given another account.
 */
public final class KaleyraAccounts {

    /** The name of the account configured by the {@code kaleyra.*} properties. */
    public static final String DEFAULT = "default";

    /** The outcome of choosing: an account, or the reason there is none. */
    public record Choice(KaleyraAccount account, String refusal) {

        public boolean known() {
            return account != null;
        }
    }

    private final KaleyraAccount defaultAccount;
    private final boolean defaultEnabled;
    private volatile Map<String, KaleyraAccount> named;
    private final AccountRule rule;

    /** One account, used for every file. */
    public KaleyraAccounts(KaleyraAccount defaultAccount) {
        this(defaultAccount, true, List.of(), AccountRule.NONE);
    }

    /**
     * @param defaultAccount the {@code kaleyra.*} account (without credentials when it is disabled and has none)
     * @param defaultEnabled whether a file that names no account goes to the default account
     * @param others         the accounts of {@code kaleyra.accounts}, by their lower-case names
     */
    public KaleyraAccounts(KaleyraAccount defaultAccount, boolean defaultEnabled, Collection<KaleyraAccount> others,
            AccountRule rule) {
        this.defaultAccount = defaultAccount;
        this.defaultEnabled = defaultEnabled;
        this.rule = rule;
        Map<String, KaleyraAccount> byName = new LinkedHashMap<>();
        for (KaleyraAccount account : others) {
            if (DEFAULT.equals(account.name()) || byName.putIfAbsent(account.name(), account) != null) {
                throw new IllegalArgumentException("kaleyra.accounts names the account '" + account.name() + "' twice");
            }
        }
        this.named = byName;
    }

    /** The account of a file, from its path relative to the drop ({@code acme_senders.csv}, {@code acme/senders.csv}). */
    public Choice choose(String relativePath) {
        String requested = rule.requested(relativePath);
        if (requested == null) {
            return defaultEnabled ? new Choice(defaultAccount, null) : new Choice(null, "no Kaleyra account for this file: "
                    + "it names none by " + rule.describeRequest(relativePath) + " and the default account is disabled "
                    + "(sender.accounts.default-enabled=false); configured accounts: " + names() + ". Nothing was sent");
        }
        if (requested.equals(DEFAULT) && defaultEnabled) {
            return new Choice(defaultAccount, null);
        }
        KaleyraAccount account = named.get(requested);
        if (account != null) {
            return new Choice(account, null);
        }
        return new Choice(null, "no Kaleyra account '" + requested + "' is configured (asked for by "
                + rule.describeRequest(relativePath) + "); configured accounts: " + names()
                + ". Nothing was sent: configure the account or fix the file's "
                + (rule == AccountRule.FOLDER ? "folder" : "name") + ", then drop it again");
    }

    /**
     * For the content enricher of the call route: the account of the file the batch belongs to. Files without an
     * account are refused when they are taken (see {@code deliver.FileRuns}), so none reaches here.
     */
    public KaleyraAccount forFile(@ExchangeProperty(FileRun.PROPERTY) FileRun run) {
        Choice choice = run.account() != null ? named(run.account()) : choose(run.inputName());
        if (!choice.known()) {
            throw new IllegalStateException(run.inputName() + ": " + choice.refusal());
        }
        return choice.account();
    }

    /** The account of this name ({@code default} included, when enabled), whatever the rule of the drops. */
    public Choice named(String name) {
        if (DEFAULT.equals(name) && defaultEnabled) {
            return new Choice(defaultAccount, null);
        }
        KaleyraAccount account = named.get(name);
        return account != null ? new Choice(account, null)
                : new Choice(null, "no Kaleyra account '" + name + "' is configured; configured accounts: " + names());
    }

    /**
     * The account a Kamelet ({@code kaleyra-sender-sink}) names, with the credentials given as its properties: added,
     * or replaced when its credentials or base URL differ from those known under that name (the pod, base URL and
     * sender path it does not give are the default account's). The default account is never replaced.
     */
    public synchronized void useKameletAccount(@ExchangeProperty(FileRun.ACCOUNT_PROPERTY) String name,
            @ExchangeProperty(KAMELET_SID) String sid, @ExchangeProperty(KAMELET_API_KEY) String apiKey,
            @ExchangeProperty(KAMELET_BASE_URL) String baseUrl) {
        if (name == null || !name.matches("[a-z0-9]+") || DEFAULT.equals(name)) {
            throw new IllegalArgumentException("kaleyra-sender-sink: account must be lower-case letters and digits, "
                    + "not 'default'");
        }
        String base = baseUrl == null || baseUrl.isBlank() ? defaultAccount.getBaseUrl() : baseUrl;
        KaleyraAccount known = named.get(name);
        if (known != null && known.sid() != null && known.sid().equals(sid == null ? null : sid.trim())
                && known.getApiKey().equals(apiKey == null ? null : apiKey.trim()) && known.getBaseUrl().equals(base)) {
            return;
        }
        KaleyraAccount account = KaleyraAccount.configure(name, "kaleyra-sender-sink", sid, apiKey, null, base,
                defaultAccount.senderPath());
        Map<String, KaleyraAccount> next = new LinkedHashMap<>(named);
        next.put(name, account);
        named = next;
    }

    /** The exchange properties by which the Kamelet hands over its account's credentials (removed right after). */
    public static final String KAMELET_SID = "kaleyraKameletSid";
    public static final String KAMELET_API_KEY = "kaleyraKameletApiKey";
    public static final String KAMELET_BASE_URL = "kaleyraKameletBaseUrl";

    public KaleyraAccount defaultAccount() {
        return defaultAccount;
    }

    public AccountRule rule() {
        return rule;
    }

    /** Every account a file can go to: the default one (when enabled) first, then those of kaleyra.accounts. */
    public List<KaleyraAccount> accounts() {
        List<KaleyraAccount> all = new ArrayList<>();
        if (defaultEnabled) {
            all.add(defaultAccount);
        }
        all.addAll(named.values());
        return all;
    }

    /** The first refusal of credentials among the accounts ("acme: HTTP 401 ..."), or null when none was refused. */
    public String refusal() {
        for (KaleyraAccount account : accounts()) {
            if (account.refusal() != null) {
                return account.name() + ": " + account.refusal();
            }
        }
        return null;
    }

    /** The names of the accounts a file can go to, for messages: "default, acme, globex". */
    public String names() {
        String list = accounts().stream().map(KaleyraAccount::name).collect(Collectors.joining(", "));
        return list.isEmpty() ? "(none)" : list;
    }

    /** For the start-up log: how files find their account. */
    public String describe() {
        String other = defaultEnabled ? "go to the default account" : "are refused (sender.accounts.default-enabled=false)";
        return switch (rule) {
            case NONE -> "every file goes to the default account (sender.accounts.rule=none)";
            case PREFIX -> "a file named <account>_... or <account>-... goes to that account, files whose name has no _ "
                    + "or - " + other + ", an unknown prefix is refused (sender.accounts.rule=prefix); accounts: " + names();
            case FOLDER -> "a file in <inbox>/<account>/ goes to that account, files directly in the inbox " + other
                    + ", an unknown folder is refused (sender.accounts.rule=folder); accounts: " + names();
        };
    }
}
