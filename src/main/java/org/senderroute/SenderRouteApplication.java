package org.senderroute;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.ScheduledPollConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.task.Tasks;
import org.apache.camel.support.task.budget.Budgets;
import org.senderroute.config.SenderRouteConfiguration;
import org.senderroute.domain.LedgerUnavailableException;
import org.senderroute.domain.RunVerdict;
import org.senderroute.intake.IntakeDrain;
import org.senderroute.observe.SenderInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the module with Camel Main: configuration and routes as {@link ConfigurationSources} finds them (the jar's
 * own, overridden by a configuration directory and by environment variables).
 *
 * <pre>
 *   java -jar kaleyra-sender-route.jar [--once [--dry-run [--file PATH]]] [--profile NAME] [--config-dir DIR] [Camel Main options]
 * </pre>
 * {@code --once} processes the files present, delivers every output and exits: 0 when every record reached one of
 * the two outputs, 1 for an invalid configuration, 2 when Kaleyra refused the credentials, 3 when Kaleyra stayed
 * unavailable after retries, 4 for a file failed on a local fault, 5 when the ledger's database could not be reached
 * (at start, or during the run: the files not finished stay in their drop). {@code --dry-run} tells what a run would
 * do, and does none of it ({@link DryRunCommand}).
 */
public final class SenderRouteApplication {

    private static final Logger LOG = LoggerFactory.getLogger(SenderRouteApplication.class);

    private SenderRouteApplication() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new Properties()));
    }

    /** Runs until stopped (or, with --once, until the drop is drained) and returns the exit code. */
    public static int run(String[] args, Properties overrides) {
        boolean once = false;
        boolean dryRun = false;
        String file = null;
        String profile = System.getenv("CAMEL_MAIN_PROFILE");
        String configDir = null;
        List<String> camelArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--once")) {
                once = true;
            } else if (arg.equals("--dry-run")) {
                dryRun = true;
            } else if (arg.equals("--file") && i + 1 < args.length) {
                file = args[++i];
            } else if (arg.startsWith("--file=")) {
                file = arg.substring("--file=".length());
            } else if (arg.equals("--profile") && i + 1 < args.length) {
                profile = args[++i];
            } else if (arg.startsWith("--profile=")) {
                profile = arg.substring("--profile=".length());
            } else if (arg.equals("--config-dir") && i + 1 < args.length) {
                configDir = args[++i];
            } else if (arg.startsWith("--config-dir=")) {
                configDir = arg.substring("--config-dir=".length());
            } else {
                camelArgs.add(arg);
            }
        }
        if (dryRun && !once || file != null && !dryRun) {
            System.err.println("kaleyra-sender-route: " + (dryRun ? "--dry-run goes with --once" : "--file goes with --once"
                    + " --dry-run") + " (java -jar kaleyra-sender-route.jar --once --dry-run [--file PATH])");
            return RunVerdict.INVALID_CONFIGURATION;
        }
        Properties props = new Properties();
        props.putAll(overrides);
        if (once) {
            props.setProperty("sender.once", "true");
        }
        if (dryRun) {
            // the configuration without the routes: no drop polled, no file moved, no call; no management server
            props.setProperty("camel.main.routes-collector-enabled", "false");
            props.setProperty("camel.management.enabled", "false");
            try {
                return DryRunCommand.run(createMain(ConfigurationSources.of(configDir, profile, System.getenv()), props),
                        file, System.out);
            } catch (RuntimeException e) {
                System.err.println("kaleyra-sender-route cannot start: " + rootMessage(e));
                return RunVerdict.INVALID_CONFIGURATION;
            }
        }

        Main main;
        try {
            ConfigurationSources sources = ConfigurationSources.of(configDir, profile, System.getenv());
            if (!ManagementPort.available(sources, props, once)) {
                return RunVerdict.INVALID_CONFIGURATION;
            }
            main = createMain(sources, props);
        } catch (RuntimeException e) {
            System.err.println("kaleyra-sender-route cannot start: " + rootMessage(e));
            return RunVerdict.INVALID_CONFIGURATION;
        }
        RunListener run = new RunListener();
        main.addMainListener(run);
        try {
            main.run(camelArgs.toArray(String[]::new));
        } catch (Exception e) {
            LedgerUnavailableException lost = LedgerUnavailableException.in(e);
            if (lost != null) {
                System.err.println("kaleyra-sender-route cannot start: " + lost.getMessage() + " (sender.ledger.url)");
                return RunVerdict.LEDGER_UNAVAILABLE;
            }
            System.err.println("kaleyra-sender-route cannot start: " + rootMessage(e));
            return RunVerdict.INVALID_CONFIGURATION;
        }
        RunVerdict verdict = run.verdict;
        if (verdict == null) {
            return RunVerdict.INVALID_CONFIGURATION;
        }
        if (verdict.exitCode() != RunVerdict.OK) {
            System.err.println("kaleyra-sender-route: " + verdict.reason());
        }
        return verdict.exitCode();
    }

    /**
     * The application as it runs in production, not yet started: tests start it the same way with their own
     * overrides (temporary directories, the sandbox).
     */
    public static Main createMain(String profile, Properties overrides) {
        return createMain(ConfigurationSources.of(null, profile, System.getenv()), overrides);
    }

    /** The application with its configuration from these sources; the overrides win over the environment. */
    static Main createMain(ConfigurationSources sources, Properties overrides) {
        Main main = new Main();
        main.configure().addConfiguration(SenderRouteConfiguration.class);
        main.setPropertyPlaceholderLocations(sources.locations());
        Properties properties = sources.environmentOverrides();
        properties.putAll(overrides);
        PollSchedule.apply(sources, properties);
        // the instance named from the first log line on (its name is checked, and logged, with the other settings)
        String instance = sources.value(SenderInstance.PROPERTY, properties, "");
        if (instance.isBlank()) {
            instance = SenderInstance.ofThisProcess();
            properties.setProperty(SenderInstance.PROPERTY, instance);
        }
        SenderInstance.nameLogLines(instance.trim());
        main.setOverrideProperties(properties);
        return main;
    }

    /**
     * What to tell about a failed start: the module's own word on it (the innermost IllegalArgumentException, which
     * names the setting and quotes its cause), or else the root cause.
     */
    static String rootMessage(Throwable e) {
        Throwable cause = e;
        Throwable ours = null;
        while (true) {
            if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
                ours = cause;
            }
            if (cause.getCause() == null || cause.getCause() == cause) {
                break;
            }
            cause = cause.getCause();
        }
        Throwable told = ours != null ? ours : cause;
        return told.getMessage() == null ? told.toString() : told.getMessage();
    }

    /** Wires --once to the drain monitor and keeps what the exit code needs once Camel has stopped. */
    private static final class RunListener extends MainListenerSupport {
        RunVerdict verdict;

        @Override
        public void afterStart(BaseMainSupport main) {
            var properties = main.getCamelContext().getPropertiesComponent();
            if (properties.resolveProperty("camel.management.enabled").map(Boolean::parseBoolean).orElse(false)) {
                LOG.info("Management server on http://{}:{}/observe (health, metrics, info){}",
                        properties.resolveProperty("camel.management.host").orElse("0.0.0.0"),
                        properties.resolveProperty("camel.management.port").orElse("8080"),
                        properties.resolveProperty("camel.management.host").map(h -> h.startsWith("127.")).orElse(false)
                                ? ": this machine only" : ": reachable from the network, without authentication");
            }
            var registry = main.getCamelContext().getRegistry();
            verdict = registry.lookupByNameAndType("runVerdict", RunVerdict.class);
            IntakeDrain drain = registry.lookupByNameAndType("intakeDrain", IntakeDrain.class);
            if (drain != null && main instanceof Main m) {
                CamelContext context = main.getCamelContext();
                drain.onDrained(() -> {
                    try {
                        endPolling(context);
                    } finally {
                        m.completed();
                    }
                });
            }
        }

        /**
         * Before a --once run stops: no intake starts another poll, and the poll under way, the one whose empty message
         * reported the last intake drained, has ended. Camel's graceful shutdown counts a poll under way as a pending
         * exchange of its route, and then looks again only a second later; stopping straight from the drain would race
         * with the end of that very poll. Bounded: a poll still busy after that is left to the graceful shutdown.
         */
        private static void endPolling(CamelContext context) {
            List<ScheduledPollConsumer> polls = new ArrayList<>();
            for (Route route : context.getRoutes()) {
                if (route.getConsumer() instanceof ScheduledPollConsumer poll) {
                    ServiceHelper.suspendService(poll);
                    polls.add(poll);
                }
            }
            Tasks.foregroundTask().withName("once-end-polling")
                    .withBudget(Budgets.iterationTimeBudget().withInterval(Duration.ofMillis(5))
                            .withMaxDuration(Duration.ofSeconds(5)).build())
                    .build().run(context, () -> polls.stream().noneMatch(ScheduledPollConsumer::isPolling));
        }
    }
}
