package org.senderroute.batch;

import org.senderroute.intake.SenderRequest;
import org.senderroute.validate.Failure;

/** A record that failed validation, with the reason. */
public record Rejected(SenderRequest request, Failure failure) {
}
