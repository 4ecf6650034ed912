package org.senderroute.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Records every log event of the process (all loggers, through the root logger) while open, each as one line:
 * level, logger, message, then the class and message of every throwable in its cause chain. Loggers named in
 * {@link #start(String...)} log at DEBUG meanwhile; their levels are restored on {@link #close()}. The events
 * themselves are kept too, to be {@link #written} as the configured layouts write them.
 */
public final class LogCapture implements AutoCloseable {

    private static final AtomicInteger COUNT = new AtomicInteger();

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final LoggerContext context;
    private final AbstractAppender appender;
    private final Map<String, Level> restoreLevels = new ConcurrentHashMap<>();
    private final List<String> addedLoggers = new ArrayList<>();

    private LogCapture(String... debugLoggers) {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = new AbstractAppender("log-capture-" + COUNT.incrementAndGet(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(describe(event));
                events.add(event.toImmutable());
            }
        };
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, null, null);
        for (String name : debugLoggers) {
            LoggerConfig existing = config.getLoggers().get(name);
            if (existing != null) {
                restoreLevels.put(name, existing.getLevel());
                existing.setLevel(Level.DEBUG);
            } else {
                config.addLogger(name, new LoggerConfig(name, Level.DEBUG, true));
                addedLoggers.add(name);
            }
        }
        context.updateLoggers();
    }

    /** Starts recording; the named loggers (and those below them) log at DEBUG until closed. */
    public static LogCapture start(String... debugLoggers) {
        return new LogCapture(debugLoggers);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * The events recorded so far as the appender of this name in log4j2.properties writes them ({@code text} or
     * {@code json}), one line each (lookups in the layout are resolved now).
     */
    public List<String> written(String appenderName) {
        Appender appender = context.getConfiguration().getAppender(appenderName);
        return events.stream().map(e -> appender.getLayout().toSerializable(e).toString().stripTrailing()).toList();
    }

    public String text() {
        return String.join("\n", lines);
    }

    public boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        restoreLevels.forEach((name, level) -> config.getLoggers().get(name).setLevel(level));
        addedLoggers.forEach(config::removeLogger);
        context.updateLoggers();
        appender.stop();
    }

    private static String describe(LogEvent event) {
        StringBuilder line = new StringBuilder().append(event.getLevel()).append(' ').append(event.getLoggerName())
                .append(" - ").append(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            line.append(" | ").append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return line.toString();
    }
}
