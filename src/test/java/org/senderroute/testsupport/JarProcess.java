package org.senderroute.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.senderroute.sandbox.KaleyraSandbox;

/** The built jar run as a separate process, from a working directory holding copies of config/ and routes/. */
public final class JarProcess {

    private final Path workDir;
    private final Process process;
    private final Path log;

    private JarProcess(Path workDir, Process process, Path log) {
        this.workDir = workDir;
        this.process = process;
        this.log = log;
    }

    /** Copies config/ and routes/ into the working directory (once) and starts the jar with these arguments and variables. */
    public static JarProcess start(Path workDir, Map<String, String> environment, String... args) throws IOException {
        if (!Files.exists(workDir.resolve("routes"))) {
            copyTree(Path.of("config"), workDir.resolve("config"));
            copyTree(Path.of("routes"), workDir.resolve("routes"));
        }
        return startBare(workDir, environment, args);
    }

    /** Starts the jar in the working directory as it is (nothing copied into it), as an operator runs it. */
    public static JarProcess startBare(Path workDir, Map<String, String> environment, String... args) throws IOException {
        Path jar = Path.of("target/kaleyra-sender-route.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package first");
        }
        Path log = Files.createTempFile(workDir, "run-", ".log");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new JarProcess(workDir, builder.start(), log);
    }

    /**
     * Starts a class of the jar's class path (e.g. {@code org.apache.camel.main.Main}, as an integration using the jar
     * as a library does) in the working directory as it is.
     */
    public static JarProcess startClass(Path workDir, Map<String, String> environment, String mainClass, String... args)
            throws IOException {
        Path jar = Path.of("target/kaleyra-sender-route.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package first");
        }
        Path log = Files.createTempFile(workDir, "run-", ".log");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-cp", jar.toString(), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new JarProcess(workDir, builder.start(), log);
    }

    /** The environment that points the module at this sandbox as its Kaleyra account (to add settings to). */
    public static Map<String, String> environmentFor(KaleyraSandbox sandbox) {
        Map<String, String> env = new HashMap<>();
        env.put("KALEYRA_BASE_URL", sandbox.baseUrl());
        env.put("KALEYRA_SID", sandbox.settings().sid());
        env.put("KALEYRA_API_KEY", sandbox.settings().apiKey());
        return env;
    }

    public Process process() {
        return process;
    }

    public boolean waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    public Path workDir() {
        return workDir;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString().replace(File.separatorChar, '/'));
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
