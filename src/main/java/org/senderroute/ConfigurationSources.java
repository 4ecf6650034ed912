package org.senderroute;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where the configuration comes from, highest precedence first: environment variables (every property of the
 * configuration files, Camel's included: {@code camel.management.port} is {@code CAMEL_MANAGEMENT_PORT}), a profile
 * file, {@code application.properties}. Each file is looked for in the configuration directory first
 * ({@code --config-dir DIR}, {@code SENDER_CONFIG_DIR}, or {@code ./config} when it exists), then in the jar, which
 * holds the defaults: the jar runs from any working directory. The routes come from the jar unless
 * {@code SENDER_ROUTES_DIR} (or Camel's own {@code camel.main.routes-include-pattern}) names a directory.
 */
public final class ConfigurationSources {

    static final String DEFAULT_CONFIG_DIR = "config";
    static final String CONFIG_DIR_VARIABLE = "SENDER_CONFIG_DIR";
    static final String ROUTES_DIR_VARIABLE = "SENDER_ROUTES_DIR";
    static final String ROUTES_PATTERN = "camel.main.routes-include-pattern";

    private final Path configDir;
    private final String profile;
    private final Map<String, String> environment;
    /** The files' properties, read once: file name → the directory's over the jar's. */
    private final Map<String, Properties> files = new HashMap<>();

    private ConfigurationSources(Path configDir, String profile, Map<String, String> environment) {
        this.configDir = configDir;
        this.profile = profile == null || profile.isBlank() ? null : profile.trim();
        this.environment = environment;
    }

    /**
     * The sources for a configuration directory given on the command line (null: {@code SENDER_CONFIG_DIR}, else
     * {@code ./config} when it exists, else the jar's only) and a profile (null for none).
     */
    public static ConfigurationSources of(String configDir, String profile, Map<String, String> environment) {
        String dir = configDir != null ? configDir : environment.get(CONFIG_DIR_VARIABLE);
        Path path;
        if (dir != null && !dir.isBlank()) {
            path = Path.of(dir.trim());
            if (!Files.isDirectory(path)) {
                throw new IllegalArgumentException("the configuration directory " + path.toAbsolutePath()
                        + " (--config-dir / " + CONFIG_DIR_VARIABLE + ") does not exist");
            }
        } else {
            path = Files.isDirectory(Path.of(DEFAULT_CONFIG_DIR)) ? Path.of(DEFAULT_CONFIG_DIR) : null;
        }
        ConfigurationSources sources = new ConfigurationSources(path, profile, environment);
        if (sources.profile != null && !sources.found("application-" + sources.profile + ".properties")) {
            throw new IllegalArgumentException("profile " + sources.profile + ": no application-" + sources.profile
                    + ".properties in " + sources.where());
        }
        return sources;
    }

    /** Camel's property locations, the first found winning: each file in the directory, then in the jar. */
    public String locations() {
        List<String> locations = new ArrayList<>();
        if (profile != null) {
            add(locations, "application-" + profile + ".properties");
        }
        add(locations, "application.properties");
        return String.join(",", locations);
    }

    /**
     * What the environment sets: for every property of the configuration files, the variable of the same name in
     * upper case with dots and dashes as underscores, when it is set; and the routes directory when one is named.
     */
    public Properties environmentOverrides() {
        Properties keys = new Properties();
        keys.putAll(read("application.properties"));
        if (profile != null) {
            keys.putAll(read("application-" + profile + ".properties"));
        }
        Properties overrides = new Properties();
        for (String key : keys.stringPropertyNames()) {
            String value = environment.get(variableOf(key));
            if (value != null) {
                overrides.setProperty(key, value);
            }
        }
        String routes = environment.get(ROUTES_DIR_VARIABLE);
        if (routes != null && !routes.isBlank() && environment.get(variableOf(ROUTES_PATTERN)) == null) {
            Path dir = Path.of(routes.trim());
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("the routes directory " + dir.toAbsolutePath() + " ("
                        + ROUTES_DIR_VARIABLE + ") does not exist");
            }
            overrides.setProperty(ROUTES_PATTERN, "file:" + dir.toAbsolutePath() + "/*.yaml");
        } else {
            // the jar's routes by name: Camel would read the whole jar through to find them
            String pattern = value(ROUTES_PATTERN, overrides, null);
            String files = ClasspathRoutes.expand(pattern, ConfigurationSources.class.getClassLoader());
            if (files != null && !files.equals(pattern)) {
                overrides.setProperty(ROUTES_PATTERN, files);
            }
        }
        return overrides;
    }

    /** A setting's value as the application will see it (placeholders not resolved), or the fallback. */
    public String value(String key, Properties overrides, String fallback) {
        if (overrides.getProperty(key) != null) {
            return overrides.getProperty(key);
        }
        String variable = environment.get(variableOf(key));
        if (variable != null) {
            return variable;
        }
        if (profile != null) {
            String value = read("application-" + profile + ".properties").getProperty(key);
            if (value != null) {
                return value;
            }
        }
        return read("application.properties").getProperty(key, fallback);
    }

    /** The environment variable of a property: {@code kaleyra.api-key} is {@code KALEYRA_API_KEY}. */
    public static String variableOf(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Where the configuration files are looked for, as said in messages. */
    public String where() {
        return (configDir == null ? "" : configDir.toAbsolutePath() + " or ") + "the jar (config/)";
    }

    private void add(List<String> locations, String file) {
        if (configDir != null && Files.isRegularFile(configDir.resolve(file))) {
            locations.add("file:" + configDir.toAbsolutePath().resolve(file));
        }
        if (exists(file)) {
            locations.add("classpath:" + DEFAULT_CONFIG_DIR + "/" + file);
        }
    }

    private boolean found(String file) {
        return configDir != null && Files.isRegularFile(configDir.resolve(file)) || exists(file);
    }

    private boolean exists(String file) {
        return ConfigurationSources.class.getClassLoader().getResource(DEFAULT_CONFIG_DIR + "/" + file) != null;
    }

    /** The properties of one file, the directory's and the jar's together (read once). */
    private Properties read(String file) {
        return files.computeIfAbsent(file, this::load);
    }

    private Properties load(String file) {
        Properties properties = new Properties();
        try {
            try (InputStream in = ConfigurationSources.class.getClassLoader()
                    .getResourceAsStream(DEFAULT_CONFIG_DIR + "/" + file)) {
                if (in != null) {
                    properties.load(in);
                }
            }
            if (configDir != null && Files.isRegularFile(configDir.resolve(file))) {
                try (InputStream in = Files.newInputStream(configDir.resolve(file))) {
                    properties.load(in);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " in " + where() + ": " + e.getMessage(), e);
        }
        return properties;
    }
}
