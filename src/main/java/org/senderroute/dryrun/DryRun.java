package org.senderroute.dryrun;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.senderroute.domain.Failure;
import org.senderroute.domain.SenderRequest;
import org.senderroute.intake.LocalInput;
import org.senderroute.intake.RecordReader;
import org.senderroute.intake.RecordReaders;
import org.senderroute.intake.UnreadableFileException;
import org.senderroute.kaleyra.KaleyraAccounts;
import org.senderroute.kaleyra.RequestBody;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.validate.FileValidation;
import org.senderroute.validate.SenderValidator;

/**
 * A dry run ({@code --once --dry-run}): reads and validates the files of the drop (or one file) as the pipeline
 * would, with the same readers, rules, batch size and account rule; asks the ledger what it knows of each valid
 * sender; and tells what a run would do: records valid and invalid by code, senders registered earlier, the calls and
 * their sizes. It sends nothing, moves nothing and writes nothing: the ledger is only read
 * ({@link SenderLedger#lookup}).
 */
public final class DryRun {

    private final SenderValidator validator;
    private final int batchSize;
    private final KaleyraAccounts accounts;
    private final SenderLedger ledger;
    private final Path inbox;
    private final int maxDepth;

    public DryRun(SenderValidator validator, int batchSize, KaleyraAccounts accounts, SenderLedger ledger, Path inbox,
            int maxDepth) {
        this.validator = validator;
        this.batchSize = batchSize;
        this.accounts = accounts;
        this.ledger = ledger;
        this.inbox = inbox;
        this.maxDepth = maxDepth;
    }

    public Path inbox() {
        return inbox;
    }

    /** Every file of the directory drop, oldest first, as the route would take them. */
    public List<FileForecast> ofDrop() {
        List<FileForecast> forecasts = new ArrayList<>();
        for (Path file : DropFiles.in(inbox, maxDepth)) {
            forecasts.add(of(inbox.resolve(file), file.toString().replace('\\', '/')));
        }
        return forecasts;
    }

    /** One file, wherever it is: named by its path in the drop when it is in it, else by its name. */
    public FileForecast ofFile(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path drop = inbox.toAbsolutePath().normalize();
        String name = absolute.startsWith(drop) && !absolute.equals(drop)
                ? drop.relativize(absolute).toString().replace('\\', '/')
                : String.valueOf(absolute.getFileName());
        return of(file, name);
    }

    private FileForecast of(Path file, String name) {
        FileForecast forecast = new FileForecast(name);
        KaleyraAccounts.Choice choice = accounts.choose(name);
        if (!choice.known()) {
            forecast.countInvalid(Failure.FILE_UNREADABLE);
            forecast.unreadable(choice.refusal());
            return forecast;
        }
        forecast.account(choice.account().name());
        String refusal = LocalInput.refusal(file);
        if (refusal != null) {
            forecast.countInvalid(Failure.FILE_UNREADABLE);
            forecast.unreadable(refusal);
            return forecast;
        }
        long lastRecord = 0;
        try (RecordReader reader = RecordReaders.open(name, file, UnaryOperator.identity());
                FileValidation validation = validator.forFile()) {
            forecast.format(reader.format());
            List<SenderRequest> valid = new ArrayList<>();
            int rejected = 0;
            while (reader.hasNext()) {
                SenderRequest request = reader.next();
                lastRecord = request.record();
                Failure failure = validation.check(request);
                if (failure == null) {
                    forecast.countValid();
                    valid.add(request);
                } else {
                    forecast.countInvalid(failure.code());
                    rejected++;
                }
                // a batch ends as the pipeline's does: batchSize valid records, or batchSize invalid ones
                if (valid.size() == batchSize || rejected == batchSize) {
                    settle(choice.account().sid(), valid, forecast);
                    valid.clear();
                    rejected = 0;
                }
            }
            settle(choice.account().sid(), valid, forecast);
        } catch (UnreadableFileException e) {
            forecast.countInvalid(Failure.FILE_UNREADABLE);
            forecast.unreadable((lastRecord == 0 ? "" : "from record " + (lastRecord + 1) + " on: ") + e.getMessage());
        } catch (IOException e) {
            forecast.countInvalid(Failure.FILE_UNREADABLE);
            forecast.unreadable(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return forecast;
    }

    /** One batch: the senders the ledger knows as created are not sent; the rest would be one call. */
    private void settle(String account, List<SenderRequest> batch, FileForecast forecast) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, LedgerEntry> known = ledger.lookup(account, batch);
        List<SenderRequest> toSend = new ArrayList<>(batch.size());
        for (SenderRequest r : batch) {
            LedgerEntry entry = known.get(SenderLedger.key(r));
            if (entry != null && entry.created()) {
                forecast.countRegisteredEarlier();
                continue;
            }
            if (entry != null && entry.pending()) {
                forecast.countPendingEarlier();
            } else if (entry != null) {
                forecast.countRejectedEarlier();
            }
            toSend.add(r);
        }
        if (!toSend.isEmpty()) {
            forecast.addCall(toSend.size(), RequestBody.of(toSend).getContentLength());
        }
    }
}
