package org.senderroute.kaleyra;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Kaleyra account: where its Create Sender ID requests go and the credentials they carry. It also remembers what
 * calls taught about the account: that its credentials were refused (so that no further call is made) and the
 * largest request size the server accepted after an over-capacity reply.
 */
public final class KaleyraAccount {

    public static final Map<String, String> POD_BASE_URLS = Map.of(
            "in", "https://api.in.kaleyra.io",
            "sg", "https://api.kaleyra.io",
            "eu", "https://api.eu.kaleyra.io");

    private final String name;
    private final String propertyPrefix;
    private final String sid;
    private final String apiKey;
    private final String baseUrl;
    private final String senderPath;
    private final AtomicReference<String> refusal = new AtomicReference<>();
    private final AtomicInteger capacity = new AtomicInteger(Integer.MAX_VALUE);

    /**
     * @param name           the account's name: {@code default}, or one of {@code kaleyra.accounts}
     * @param propertyPrefix where it is configured: {@code kaleyra}, or {@code kaleyra.account.<name>}
     */
    public KaleyraAccount(String name, String propertyPrefix, String sid, String apiKey, String baseUrl, String senderPath) {
        this.name = name;
        this.propertyPrefix = propertyPrefix;
        this.sid = sid;
        this.apiKey = apiKey;
        this.baseUrl = baseUrl;
        this.senderPath = senderPath;
    }

    /**
     * @param name   the account's name ({@code default}, {@code acme})
     * @param prefix property prefix of the account, for messages ({@code kaleyra}, {@code kaleyra.account.acme})
     * @param pod    in, sg or eu
     * @param baseUrl overrides the pod's base when not blank
     */
    public static KaleyraAccount configure(String name, String prefix, String sid, String apiKey, String pod,
            String baseUrl, String senderPath) {
        require(prefix + ".sid", sid, "");
        require(prefix + ".api-key", apiKey, " (or " + prefix + ".api-key-file: a file that holds the key, e.g. a mounted "
                + "secret)");
        return located(name, prefix, sid.trim(), apiKey.trim(), pod, baseUrl, senderPath);
    }

    /**
     * An account that makes no call: where the calls of an account would go, without credentials (the default account
     * when it is disabled and has none; its pod, base URL and path are still those the other accounts inherit).
     */
    public static KaleyraAccount withoutCredentials(String name, String prefix, String pod, String baseUrl,
            String senderPath) {
        return located(name, prefix, null, null, pod, baseUrl, senderPath);
    }

    private static KaleyraAccount located(String name, String prefix, String sid, String apiKey, String pod,
            String baseUrl, String senderPath) {
        String base;
        if (baseUrl != null && !baseUrl.isBlank()) {
            base = baseUrl.trim();
            URI uri = URI.create(base);
            if (uri.getScheme() == null || uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException(prefix + ".base-url must look like https://host[:port], was '" + base + "'");
            }
        } else {
            String key = pod == null ? "" : pod.trim().toLowerCase(Locale.ROOT);
            base = POD_BASE_URLS.get(key);
            if (base == null) {
                throw new IllegalArgumentException(prefix + ".pod must be one of in, sg, eu (or set " + prefix
                        + ".base-url), was '" + pod + "'");
            }
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String path = senderPath == null || senderPath.isBlank() ? "/messages/sender" : senderPath.trim();
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        return new KaleyraAccount(name, prefix, sid, apiKey, base, path);
    }

    private static void require(String property, String value, String alternative) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " is not set: set it in config/application.properties or in the "
                    + "environment variable " + variableOf(property) + alternative);
        }
    }

    /** The environment variable that overrides a property: {@code kaleyra.api-key} → {@code KALEYRA_API_KEY}. */
    public static String variableOf(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String name() {
        return name;
    }

    /** Where the account is configured: {@code kaleyra} for the default account, {@code kaleyra.account.<name>}. */
    public String propertyPrefix() {
        return propertyPrefix;
    }

    public String sid() {
        return sid;
    }

    /** For the routes: {@code ${exchangeProperty.kaleyraAccount.apiKey}}. */
    public String getApiKey() {
        return apiKey;
    }

    /** For the routes: the scheme, host and port the calls go to. */
    public String getBaseUrl() {
        return baseUrl;
    }

    /** For the routes: the request path, SID included: {@code /v1/{sid}/messages/sender}. */
    public String getRequestPath() {
        return "/v1/" + sid + senderPath;
    }

    /** The path after {@code /v1/{sid}}: {@code /messages/sender}. */
    public String senderPath() {
        return senderPath;
    }

    public String maskedSid() {
        return Masking.mask(sid);
    }

    public String refusal() {
        return refusal.get();
    }

    public void refused(String why) {
        refusal.compareAndSet(null, why);
    }

    /** The largest request the server is known to accept, or {@link Integer#MAX_VALUE} when nothing was learnt. */
    public int capacity() {
        return capacity.get();
    }

    public void overCapacityAt(int size) {
        capacity.accumulateAndGet(Math.max(1, size / 2), Math::min);
    }

    @Override
    public String toString() {
        return "KaleyraAccount[" + name + ", sid=" + maskedSid() + ", api-key=" + Masking.mask(apiKey) + ", " + baseUrl
                + senderPath + "]";
    }
}
