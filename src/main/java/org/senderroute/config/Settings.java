package org.senderroute.config;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.senderroute.kaleyra.KaleyraAccount;

/**
 * Typed reads of the configuration through Camel's properties component, so that every setting can come from
 * config/application.properties, a profile file beside it, or an environment variable
 * ({@code kaleyra.api-key} → {@code KALEYRA_API_KEY}). A bad value names the property and what it must be. A setting
 * shipped with a value in config/application.properties is read without a default here: that file is where defaults
 * are kept.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    /** The value, or null when the property is absent or blank. */
    public String get(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
    }

    public String get(String key, String fallback) {
        String value = get(key);
        return value == null ? fallback : value;
    }

    /**
     * The value of a setting whose default is in config/application.properties: absent or blank, it stops start-up,
     * naming the property and its environment variable.
     */
    public String required(String key) {
        String value = get(key);
        if (value == null) {
            throw new IllegalArgumentException(key + " is not set: set it in config/application.properties or in the "
                    + "environment variable " + KaleyraAccount.variableOf(key));
        }
        return value;
    }

    public int integer(String key, int fallback, int min, int max) {
        String value = get(key);
        return value == null ? fallback : integer(key, value, min, max);
    }

    public int integer(String key, int min, int max) {
        return integer(key, required(key), min, max);
    }

    private static int integer(String key, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + parsed);
        }
        return parsed;
    }

    public long millis(String key, long fallback) {
        String value = get(key);
        return value == null ? fallback : millis(key, value);
    }

    public long millis(String key) {
        return millis(key, required(key));
    }

    private static long millis(String key, String value) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of milliseconds (0 or more), was '" + value + "'");
        }
    }

    public double decimal(String key) {
        String value = required(key);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + value + "'");
        }
    }

    public boolean flag(String key, boolean fallback) {
        String value = get(key);
        return value == null ? fallback : flag(key, value);
    }

    public boolean flag(String key) {
        return flag(key, required(key));
    }

    private static boolean flag(String key, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** Where files are staged and scratch tables kept (sender.work-dir). */
    public Path workDir() {
        return Path.of(get("sender.work-dir", "data/work"));
    }

    /** The directory drop (sender.inbox). */
    public Path inbox() {
        return Path.of(get("sender.inbox", "data/inbox"));
    }

    /** Every property name that starts with the prefix, from all configured locations. */
    public Set<String> namesStartingWith(String prefix) {
        Set<String> names = new TreeSet<>();
        properties.loadProperties(name -> name.startsWith(prefix)).stringPropertyNames().forEach(names::add);
        return names;
    }
}
