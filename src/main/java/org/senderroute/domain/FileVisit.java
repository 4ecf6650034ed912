package org.senderroute.domain;

import java.time.Instant;

/**
 * What the file ledger says about a file being taken: its SHA-256, the stem of its output names, and whether (and
 * when, with what summary) the same name and content were processed before.
 */
public record FileVisit(String sha256, String outputStem, boolean alreadyDone, Instant doneAt, String summary) {
}
