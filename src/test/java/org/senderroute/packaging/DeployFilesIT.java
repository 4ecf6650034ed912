package org.senderroute.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment examples in deploy/: the files parse, name only settings that exist, and the commands they run
 * work against the sandbox (the systemd timer's one-shot unit and the Kubernetes CronJob, with their paths moved
 * into a temporary directory and their secrets replaced by the sandbox's).
 */
class DeployFilesIT {

    private static final Path DEPLOY = Path.of("deploy");
    private static final Path JAR = Path.of("target/kaleyra-sender-route.jar").toAbsolutePath();
    private static final Pattern PROPERTY = Pattern.compile("^#?\\s*([a-z][a-z0-9.-]*[a-z0-9])\\s*=", Pattern.MULTILINE);

    @TempDir
    Path dir;

    private final KaleyraSandbox sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** The environment variables a deployment may set: one per property of the configuration (commented ones too). */
    private static Set<String> knownVariables() throws IOException {
        Set<String> known = new HashSet<>(Set.of("SENDER_CONFIG_DIR", "SENDER_ROUTES_DIR", "SENDER_LOG_FORMAT"));
        Matcher m = PROPERTY.matcher(Files.readString(Path.of("config/application.properties")));
        while (m.find()) {
            known.add(m.group(1).toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return known;
    }

    private static List<JsonNode> manifests() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
                    documents.addAll(it.readAll());
                }
            }
        }
        return documents;
    }

    private static JsonNode podSpec(JsonNode manifest) {
        return "CronJob".equals(manifest.path("kind").asText())
                ? manifest.at("/spec/jobTemplate/spec/template/spec") : manifest.at("/spec/template/spec");
    }

    private static JsonNode manifest(String kind) throws IOException {
        return manifests().stream().filter(m -> kind.equals(m.path("kind").asText())).findFirst().orElseThrow();
    }

    @Test
    void theKubernetesManifestsParseAndNameOnlySettingsThatExist() throws IOException {
        Set<String> known = knownVariables();
        List<JsonNode> manifests = manifests();
        assertThat(manifests).extracting(m -> m.path("kind").asText())
                .contains("Deployment", "CronJob", "PersistentVolumeClaim", "Secret");
        for (JsonNode manifest : manifests) {
            for (JsonNode container : podSpec(manifest).path("containers")) {
                for (JsonNode env : container.path("env")) {
                    assertThat(known).as("%s sets %s", manifest.path("kind").asText(), env.path("name").asText())
                            .contains(env.path("name").asText());
                }
                assertThat(container.path("command").toString()).contains("/opt/kaleyra-sender-route/kaleyra-sender-route.jar");
            }
        }
        JsonNode deployment = manifest("Deployment");
        JsonNode container = podSpec(deployment).path("containers").get(0);
        Map<String, String> env = environmentOf(container);
        // the probes reach the management server: opened to the pod network, on the port the container declares
        assertThat(env).containsEntry("CAMEL_MANAGEMENT_HOST", "0.0.0.0");
        assertThat(container.at("/ports/0/containerPort").asText()).isEqualTo(env.get("CAMEL_MANAGEMENT_PORT"));
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/observe/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/observe/health/ready");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
        JsonNode cronJob = manifest("CronJob");
        assertThat(cronJob.at("/spec/schedule").asText().split(" ")).hasSize(5);
        assertThat(cronJob.at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
        assertThat(podSpec(cronJob).at("/containers/0/args").toString()).contains("--once");
    }

    @Test
    void theSystemdUnitsVerifyAndTheirEnvironmentFileNamesOnlySettingsThatExist() throws Exception {
        Set<String> known = knownVariables();
        assertThat(environmentFile()).isNotEmpty().allSatisfy((name, value) -> assertThat(known).contains(name));
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze) || !Files.isExecutable(Path.of("/usr/bin/java"))) {
            return; // systemd's own check is not available here; the unit's command is run below all the same
        }
        List<String> command = new ArrayList<>(List.of(analyze.toString(), "verify"));
        try (Stream<Path> units = Files.list(DEPLOY.resolve("systemd"))) {
            units.filter(u -> u.toString().endsWith(".service") || u.toString().endsWith(".timer"))
                    .forEach(u -> command.add(u.toAbsolutePath().toString()));
        }
        Process verify = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("Unknown", "Invalid", "Failed");
    }

    @Test
    void theTimersOneShotUnitRunsAgainstTheSandbox() throws Exception {
        String unit = Files.readString(DEPLOY.resolve("systemd/kaleyra-sender-route-once.service"));
        Path base = Files.createDirectories(dir.resolve("var-lib"));
        Path apiKey = Files.writeString(dir.resolve("api-key"), sandbox.settings().apiKey());
        Map<String, String> env = new LinkedHashMap<>();
        environmentFile().forEach((name, value) -> env.put(name, value
                .replace("/var/lib/kaleyra-sender-route", base.toString())
                .replace("/etc/kaleyra-sender-route/api-key", apiKey.toString())));
        env.put("KALEYRA_SID", sandbox.settings().sid());
        env.put("KALEYRA_BASE_URL", sandbox.baseUrl());
        env.put("CAMEL_MANAGEMENT_PORT", "0");
        List<String> command = List.of(line(unit, "ExecStart").split(" "));
        assertThat(line(unit, "WorkingDirectory")).isEqualTo("/var/lib/kaleyra-sender-route");

        Files.createDirectories(base.resolve("inbox"));
        Files.writeString(base.resolve("inbox/nightly.csv"), SenderFiles.csv(4));
        int exit = run(command, env, base);

        assertThat(exit).isZero();
        assertThat(Outputs.rows(base.resolve("output/success"), "nightly")).hasSize(4);
        assertThat(base.resolve("ledger/ledger.journal")).exists();
    }

    @Test
    void theCronJobsContainerRunsAgainstTheSandbox() throws Exception {
        JsonNode container = podSpec(manifest("CronJob")).path("containers").get(0);
        Path data = Files.createDirectories(dir.resolve("data"));
        Path apiKey = Files.writeString(dir.resolve("api-key"), sandbox.settings().apiKey());
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode variable : container.path("env")) {
            String value = variable.has("valueFrom") ? sandbox.settings().sid() : variable.path("value").asText();
            env.put(variable.path("name").asText(), value.replace("/etc/kaleyra/api-key", apiKey.toString())
                    .replace("/data", data.toString()));
        }
        env.put("KALEYRA_BASE_URL", sandbox.baseUrl());
        List<String> command = new ArrayList<>();
        container.path("command").forEach(c -> command.add(c.asText()));
        container.path("args").forEach(a -> command.add(a.asText()));
        assertThat(container.path("workingDir").asText()).isEqualTo("/data");

        Files.createDirectories(data.resolve("inbox"));
        Files.writeString(data.resolve("inbox/nightly.csv"), SenderFiles.csv(3));
        int exit = run(command, env, data);

        assertThat(exit).isZero();
        assertThat(Outputs.rows(data.resolve("data/output/success"), "nightly")).hasSize(3);
        assertThat(data.resolve("ledger/ledger.journal")).exists();
    }

    /** Runs a deployment's command with the test's JDK and the built jar in their places; returns the exit code. */
    private int run(List<String> command, Map<String, String> env, Path workDir) throws Exception {
        List<String> local = new ArrayList<>();
        for (String part : command) {
            if (part.equals("java") || part.endsWith("/bin/java")) {
                local.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            } else if (part.endsWith("kaleyra-sender-route.jar")) {
                local.add(JAR.toString());
            } else {
                local.add(part);
            }
        }
        Path log = dir.resolve("run.log");
        ProcessBuilder builder = new ProcessBuilder(local).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        String output = Files.readString(log);
        assertThat(output).doesNotContain(sandbox.settings().apiKey());
        if (process.exitValue() != 0) {
            System.out.println(output);
        }
        return process.exitValue();
    }

    private static Map<String, String> environmentFile() throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(DEPLOY.resolve("systemd/kaleyra-sender-route.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return env;
    }

    private static String line(String unit, String key) {
        return unit.lines().filter(l -> l.startsWith(key + "=")).findFirst().orElseThrow().substring(key.length() + 1);
    }

    private static Map<String, String> environmentOf(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(v -> env.put(v.path("name").asText(), v.path("value").asText()));
        return env;
    }
}
