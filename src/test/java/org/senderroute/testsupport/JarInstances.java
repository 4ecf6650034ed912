package org.senderroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Instances of the built jar run as several processes sharing one inbox, one pair of output folders and one
 * PostgreSQL ledger, as an operator runs them: each from a working directory of its own (its {@code sender.work-dir}
 * under it), named by {@code SENDER_INSTANCE_ID}, every setting given as an environment variable.
 */
public final class JarInstances implements AutoCloseable {

    private final Path root;
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, JarProcess> started = new LinkedHashMap<>();

    /**
     * @param root       where the shared inbox and outputs are, and each instance's working directory
     * @param ledger     the PostgreSQL database they share
     * @param properties further settings of every instance (property names; passed as environment variables)
     */
    public JarInstances(Path root, EmbeddedPostgresServer.Database ledger, Map<String, String> properties) {
        this.root = root.toAbsolutePath();
        set("sender.ledger.store", "jdbc");
        set("sender.ledger.url", ledger.url());
        set("sender.ledger.username", ledger.username());
        set("sender.ledger.password", ledger.password());
        set("sender.inbox", inbox().toString());
        set("sender.output.success", "file:" + successDir() + "?tempPrefix=.writing-");
        set("sender.output.failure", "file:" + failureDir() + "?tempPrefix=.writing-");
        set("sender.inbox.min-age", "0");
        set("sender.inbox.poll-delay", "200");
        set("camel.management.enabled", "false");
        properties.forEach(this::set);
    }

    /** The environment variable of a property: upper case, dots and dashes as underscores. */
    public static String variable(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private void set(String property, String value) {
        environment.put(variable(property), value);
    }

    /** Starts an instance of that name (the service, no {@code --once}) and waits until Camel has started it. */
    public JarProcess start(String name) {
        try {
            Path workDir = Files.createDirectories(root.resolve("instances").resolve(name));
            Map<String, String> env = new HashMap<>(environment);
            env.put("SENDER_INSTANCE_ID", name);
            JarProcess process = JarProcess.start(workDir, env);
            started.put(name, process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until every instance started has said that it runs (Camel's "started in" line). */
    public void awaitRunning(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (JarProcess p : started.values()) {
                if (!p.process().isAlive()) {
                    throw new IllegalStateException("an instance ended at start:\n" + p.output());
                }
                if (!p.output().contains(") started in ")) {
                    return false;
                }
            }
            return true;
        });
    }

    public List<String> names() {
        return List.copyOf(started.keySet());
    }

    /** The instances whose log tells that they processed the file of that name to its end (its summary line). */
    public List<String> whoProcessed(String fileName) {
        Pattern summary = Pattern.compile(Pattern.quote(fileName) + " \\[\\w+]: \\d+ records, ");
        return started.entrySet().stream().filter(e -> {
            try {
                return summary.matcher(e.getValue().output()).find();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }).map(Map.Entry::getKey).toList();
    }

    /** SIGKILL: the process ends at once, nothing of it runs to its end. */
    public void kill(String name) throws InterruptedException {
        JarProcess p = started.get(name);
        p.process().destroyForcibly();
        if (!p.waitFor(20)) {
            throw new IllegalStateException("instance " + name + " did not end after SIGKILL");
        }
    }

    public Path inbox() {
        return root.resolve("inbox");
    }

    public Path successDir() {
        return root.resolve("output/success");
    }

    public Path failureDir() {
        return root.resolve("output/failure");
    }

    /** Stops the instances still running (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() throws InterruptedException {
        for (JarProcess p : started.values()) {
            if (p.process().isAlive()) {
                p.process().destroy();
            }
        }
        for (JarProcess p : started.values()) {
            if (!p.waitFor(30)) {
                p.process().destroyForcibly();
                p.waitFor(10);
            }
        }
    }
}
