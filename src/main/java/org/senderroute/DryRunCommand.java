package org.senderroute;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.main.Main;
import org.senderroute.domain.LedgerUnavailableException;
import org.senderroute.domain.RunVerdict;
import org.senderroute.dryrun.DryRun;
import org.senderroute.dryrun.FileForecast;

/**
 * {@code --once --dry-run [--file PATH]}: starts the module's configuration without its routes (no drop is polled, no
 * file moved, no call made, no management server), asks {@link DryRun} what processing the drop's files (or the one
 * file) would do, prints it on standard output, and stops. Exit codes: 0 when every file was looked at, 1 for an
 * invalid configuration or a {@code --file} that is not a file, 5 when the ledger's database cannot be reached.
 */
final class DryRunCommand {

    /** Printed first: what a dry run never does. */
    static final String HEADER = "Dry run: nothing is sent to Kaleyra, no file is moved, nothing is written to the ledger.";

    private DryRunCommand() {
    }

    static int run(Main main, String file, PrintStream out) {
        if (file != null && !Files.isRegularFile(Path.of(file))) {
            System.err.println("kaleyra-sender-route: --file " + file + " is not a file");
            return RunVerdict.INVALID_CONFIGURATION;
        }
        try {
            main.start();
        } catch (Exception e) {
            return startFailed(e);
        }
        try {
            DryRun dryRun = main.getCamelContext().getRegistry().lookupByNameAndType("dryRun", DryRun.class);
            List<FileForecast> forecasts = file != null ? List.of(dryRun.ofFile(Path.of(file))) : dryRun.ofDrop();
            out.println(HEADER);
            if (file == null) {
                out.println(forecasts.size() + (forecasts.size() == 1 ? " file" : " files") + " in " + dryRun.inbox());
            }
            for (FileForecast forecast : forecasts) {
                forecast.lines().forEach(out::println);
            }
            out.println(FileForecast.total(forecasts));
            out.flush();
            return RunVerdict.OK;
        } catch (RuntimeException e) {
            LedgerUnavailableException lost = LedgerUnavailableException.in(e);
            if (lost != null) {
                System.err.println("kaleyra-sender-route: " + lost.getMessage() + " (sender.ledger.url)");
                return RunVerdict.LEDGER_UNAVAILABLE;
            }
            System.err.println("kaleyra-sender-route: the dry run failed: " + SenderRouteApplication.rootMessage(e));
            return RunVerdict.INVALID_CONFIGURATION;
        } finally {
            main.stop();
        }
    }

    private static int startFailed(Exception e) {
        LedgerUnavailableException lost = LedgerUnavailableException.in(e);
        if (lost != null) {
            System.err.println("kaleyra-sender-route cannot start: " + lost.getMessage() + " (sender.ledger.url)");
            return RunVerdict.LEDGER_UNAVAILABLE;
        }
        System.err.println("kaleyra-sender-route cannot start: " + SenderRouteApplication.rootMessage(e));
        return RunVerdict.INVALID_CONFIGURATION;
    }
}
