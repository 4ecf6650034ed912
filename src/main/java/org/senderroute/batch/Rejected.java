package org.senderroute.batch;

import org.senderroute.domain.Failure;
import org.senderroute.domain.SenderRequest;

/** A record that failed validation, with the reason. */
public record Rejected(SenderRequest request, Failure failure) {
}
