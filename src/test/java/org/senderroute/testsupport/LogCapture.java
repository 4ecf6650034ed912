package org.senderroute.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Records every log event of the process (all loggers, through the root logger) while open, each as one line:
 * level, logger, message, then the class and message of every throwable in its cause chain. Loggers named in
 * {@link #start(String...)} log at DEBUG meanwhile; their levels are restored on {@link #close()}.
 */
public final class LogCapture implements AutoCloseable {

    private static final AtomicInteger COUNT = new AtomicInteger();

    private final List<String> lines = new CopyOnWriteArrayList<>();
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
