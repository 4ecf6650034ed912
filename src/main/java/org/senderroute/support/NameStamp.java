package org.senderroute.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The time written into the names of outputs and archived inputs, {@code 20261126-210501-123} (UTC, to the
 * millisecond): names that differ only by it sort by time.
 */
public final class NameStamp {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneOffset.UTC);

    private NameStamp() {
    }

    public static String at(Instant instant) {
        return FORMAT.format(instant);
    }
}
