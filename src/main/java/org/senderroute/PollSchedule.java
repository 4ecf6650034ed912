package org.senderroute;

import java.text.ParseException;
import java.util.Properties;

import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the drops are polled: every {@code poll-delay} by default, or at the times of a Quartz cron expression
 * ({@code sender.inbox.cron}, {@code sender.sftp.cron}: {@code 0 0 2 * * ?} takes the files at 02:00). A {@code --once}
 * run polls at once whatever the schedule: the job's own timer (cron, systemd, Kubernetes) decides when it runs.
 */
final class PollSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(PollSchedule.class);

    private static final String[] DROPS = {"sender.inbox", "sender.sftp"};

    private PollSchedule() {
    }

    /** Sets the scheduler of each drop that has a cron expression; a wrong expression stops start-up. */
    static void apply(ConfigurationSources sources, Properties overrides) {
        boolean once = Boolean.parseBoolean(sources.value("sender.once", overrides, "false").trim());
        for (String drop : DROPS) {
            String property = drop + ".cron";
            String cron = sources.value(property, overrides, "").trim();
            if (cron.isEmpty()) {
                continue;
            }
            try {
                new CronExpression(cron);
            } catch (ParseException e) {
                throw new IllegalArgumentException(property + " (" + ConfigurationSources.variableOf(property)
                        + ") is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week,"
                        + " e.g. 0 0 2 * * ?): " + e.getMessage(), e);
            }
            if (once) {
                LOG.info("{} is not used by a --once run: the files present are taken at once", property);
                continue;
            }
            overrides.setProperty(drop + ".scheduler", "quartz");
            overrides.setProperty(drop + ".scheduler-cron", cron);
        }
    }
}
