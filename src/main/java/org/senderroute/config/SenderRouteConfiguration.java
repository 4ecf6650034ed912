package org.senderroute.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.senderroute.batch.BatchSplitter;
import org.senderroute.batch.SenderBatch;
import org.senderroute.deliver.FileReport;
import org.senderroute.deliver.FileRuns;
import org.senderroute.domain.RunVerdict;
import org.senderroute.dryrun.DryRun;
import org.senderroute.intake.DropArchiveStrategy;
import org.senderroute.intake.DropEntryFilter;
import org.senderroute.intake.FilesInFlight;
import org.senderroute.intake.IntakeDrain;
import org.senderroute.intake.KameletIntake;
import org.senderroute.kaleyra.AccountCallRate;
import org.senderroute.kaleyra.CallBounds;
import org.senderroute.kaleyra.CallSlots;
import org.senderroute.kaleyra.CredentialsEnricher;
import org.senderroute.kaleyra.KaleyraAccounts;
import org.senderroute.kaleyra.KaleyraConversations;
import org.senderroute.kaleyra.KaleyraCallRouting;
import org.senderroute.kaleyra.KaleyraReplies;
import org.senderroute.kaleyra.KaleyraReplyParser;
import org.senderroute.kaleyra.RetryPolicy;
import org.senderroute.ledger.DatabaseAvailability;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.observe.InboxHealth;
import org.senderroute.observe.KaleyraHealth;
import org.senderroute.observe.LedgerHealth;
import org.senderroute.observe.SenderInstance;
import org.senderroute.observe.SenderMetrics;
import org.senderroute.support.LongSlots;
import org.senderroute.validate.SenderValidator;
import org.senderroute.validate.ValidationRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the beans the routes call, from the configuration, and refuses to start on a setting that is missing or
 * wrong (with a message naming the property and its environment variable).
 */
public class SenderRouteConfiguration implements CamelConfiguration {

    /** The thread pool profile the split of routes/20 refers to as its executorService. */
    static final String CALL_POOL = "kaleyraCallPool";
    /** The thread pool profile the threads step of routes/10 refers to: the threads the inbox's files run on. */
    static final String FILE_POOL = "inboxFilePool";

    private static final Logger LOG = LoggerFactory.getLogger(SenderRouteConfiguration.class);

    @BindToRegistry("runVerdict")
    public RunVerdict runVerdict() {
        return new RunVerdict();
    }

    @BindToRegistry("credentialsEnricher")
    public CredentialsEnricher credentialsEnricher() {
        return new CredentialsEnricher();
    }

    @BindToRegistry("dropEntryFilter")
    public DropEntryFilter dropEntryFilter() {
        return new DropEntryFilter();
    }

    @BindToRegistry("kaleyraReplyParser")
    public KaleyraReplyParser kaleyraReplyParser() {
        return new KaleyraReplyParser();
    }

    /** The beans that depend on settings: each setting is checked here, and a wrong one stops start-up, named. */
    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        String instance = SenderInstance.of(settings.get(SenderInstance.PROPERTY));
        SenderInstance.nameLogLines(instance);
        LOG.info("Instance: {}", instance);

        String baseUrl = settings.get("kaleyra.base-url");
        if (settings.flag("kaleyra.sandbox")) {
            baseUrl = SandboxLauncher.start(context, settings);
            if (settings.flag("sender.sandbox.samples", false)) {
                SampleFiles.copyInto(settings.inbox());
            }
        }
        KaleyraAccounts accounts = AccountSettings.configure(context, settings, baseUrl);

        int batchSize = settings.integer("sender.batch.size", 1, SenderBatch.MAX_SIZE);
        ValidationRules rules = ValidationRules.from(settings::get,
                ValidationRules.countriesIn(settings.namesStartingWith(ValidationRules.PREFIX)));
        RetryPolicy retry = new RetryPolicy(
                settings.integer("sender.http.retry.max-attempts", 1, 100),
                Duration.ofMillis(settings.millis("sender.http.retry.initial-delay")),
                settings.decimal("sender.http.retry.multiplier"),
                Duration.ofMillis(settings.millis("sender.http.retry.max-delay")));
        RunVerdict verdict = registry.lookupByNameAndType("runVerdict", RunVerdict.class);
        String intakes = settings.flag("sender.sftp.enabled") ? "directory,sftp" : "directory";
        SftpIntakeSettings.configure(context, settings);
        HttpIntakeSettings.configure(context, settings, accounts);

        int concurrentCalls = settings.integer("sender.http.max-concurrent-calls", 1, 64);
        settings.integer("sender.http.max-requests-per-second", 1, 100_000);

        context.getExecutorServiceManager().registerThreadPoolProfile(callPool(concurrentCalls));
        FilesInFlight filesInFlight = new FilesInFlight(settings.integer("sender.inbox.files-in-flight", 1, 16));
        context.getExecutorServiceManager().registerThreadPoolProfile(filePool(filesInFlight.places()));
        registry.bind("callSlots", new CallSlots(concurrentCalls));
        registry.bind("kaleyraAccounts", accounts);
        SenderMetrics metrics = new SenderMetrics(context, instance);
        Path scratch = settings.workDir().resolve("scratch");
        LongSlots.removeLeftovers(scratch);
        SenderValidator validator = new SenderValidator(rules, scratch);
        registry.bind("batchSplitter", new BatchSplitter(validator, batchSize, metrics));
        Duration progressInterval = Duration.ofSeconds(settings.integer("sender.progress.interval-seconds", 1, 86_400));
        CallBounds callBounds = new CallBounds(
                settings.integer("sender.http.call-timeout", 1, Integer.MAX_VALUE),
                settings.integer("sender.http.max-reply-bytes", 1024, Integer.MAX_VALUE),
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "KaleyraCallDeadline"));
        boolean guardFormulas = settings.flag("sender.output.guard-formulas");
        Duration ownerWait = Duration.ofMillis(settings.millis("sender.ledger.owner-wait"));
        // the last setting read: a journal is taken for this instance only once nothing can refuse the start any more
        LedgerSettings.Ledgers ledgers = LedgerSettings.configure(context, settings, instance);
        FileRuns fileRuns = new FileRuns(settings.workDir(), Clock.systemUTC(), ledgers.files(), metrics, progressInterval);
        fileRuns.useAccounts(accounts);
        fileRuns.guardFormulas(guardFormulas);
        registry.bind("fileRuns", fileRuns);
        SenderLedger senderLedger = ledgers.senders();
        fileRuns.useSenderLedger(senderLedger);
        registry.bind("senderLedger", senderLedger);
        registry.bind("dryRun", new DryRun(validator, batchSize, accounts, senderLedger, settings.inbox(),
                Integer.parseInt(settings.get(AccountSettings.INBOX_MAX_DEPTH, "1").trim())));
        registry.bind("dropArchive", new DropArchiveStrategy<>(Clock.systemUTC(), ledgers.claims(),
                ledgers.availability(), filesInFlight));
        registry.bind("kaleyraCallBounds", callBounds);
        registry.bind("callRate", new AccountCallRate(ledgers.rate()));
        registry.bind("kaleyraConversations", new KaleyraConversations(retry, verdict, senderLedger, metrics,
                ownerWait));
        registry.bind("kaleyraReplies", new KaleyraReplies());
        KaleyraCallRouting.bindTo(registry);
        settings.flag("sender.output.report");
        registry.bind("fileReport", new FileReport());
        registry.bind("kameletIntake", new KameletIntake(settings.workDir().resolve("kamelet")));
        String outputs = "Success rows: " + withoutQuery(settings.get("sender.output.success", "")) + "  Failure rows: "
                + withoutQuery(settings.get("sender.output.failure", ""));
        IntakeDrain drain = new IntakeDrain(intakes, outputs);
        drain.totals(() -> fileRuns.totals().toString());
        drain.watch(filesInFlight);
        registry.bind("intakeDrain", drain);
        registry.bind("kaleyraCredentialsHealth", new KaleyraHealth(accounts::refusal));
        registry.bind("inboxWritableHealth", new InboxHealth(settings.inbox()));
        if (ledgers.availability() instanceof DatabaseAvailability database) {
            registry.bind("ledgerDatabaseHealth", new LedgerHealth(database));
            // the files in hand wait in their drop for the database; a --once run does not wait: it ends, exit 5
            if (settings.flag("sender.once")) {
                database.whenLost(why -> {
                    verdict.ledgerUnavailable(why);
                    drain.stopNow();
                });
            }
        }
    }

    /**
     * The threads that settle batches, {@code sender.http.max-concurrent-calls} of them, shared by every file (the
     * split of routes/20 names this profile; Camel builds the pool from it and stops it with the route). When all are
     * busy and the small queue is full, the splitter settles the next batch itself instead of reading further ahead,
     * so at most twice the pool size plus one batches are in memory. The calls themselves are bounded by
     * {@link CallSlots}.
     */
    static ThreadPoolProfile callPool(int size) {
        return new ThreadPoolProfileBuilder(CALL_POOL).poolSize(size).maxPoolSize(size).maxQueueSize(size)
                .keepAliveTime(60L, TimeUnit.SECONDS).allowCoreThreadTimeOut(false)
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build();
    }

    /**
     * The threads the files of the inbox are processed on, {@code sender.inbox.files-in-flight} of them (the threads
     * step of routes/10 names this profile). A file takes its place among the files in flight before it is taken
     * ({@link FilesInFlight}), so no more files than threads are ever handed over: the queue only bridges the moment
     * between a file's place being freed and its thread being free.
     */
    static ThreadPoolProfile filePool(int size) {
        return new ThreadPoolProfileBuilder(FILE_POOL).poolSize(size).maxPoolSize(size).maxQueueSize(size)
                .keepAliveTime(60L, TimeUnit.SECONDS).allowCoreThreadTimeOut(false)
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build();
    }

    /** An endpoint URI without its options (which may hold a password), for log lines. */
    static String withoutQuery(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
