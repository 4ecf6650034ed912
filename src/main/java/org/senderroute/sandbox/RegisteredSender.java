package org.senderroute.sandbox;

import java.time.Instant;

/**
 * A sender held by the {@link KaleyraSandbox}.
 *
 * @param id            the id handed out on creation
 * @param sender        the sender as it was sent
 * @param isoCode       the ISO 3166-1 alpha-2 code, lower case
 * @param entityId      the DLT entity id as text, or null when none was given
 * @param description   the description as it was sent
 * @param createdAt     when the sandbox created it
 * @param preRegistered true for senders configured in {@link SandboxSettings#preRegistered()}
 */
public record RegisteredSender(long id, String sender, String isoCode, String entityId, String description,
                               Instant createdAt, boolean preRegistered) {
}
