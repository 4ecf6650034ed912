package org.senderroute.domain;

import java.util.Optional;

/**
 * Which instance processes a file of a drop that several instances watch: a file is processed by the instance that
 * claimed it, and by no other while the claim is held. A claim is held until it is closed, or until the instance
 * holding it is gone.
 */
public interface FileClaims {

    /**
     * Claims the file of that key (its drop and its name in the drop) for this instance.
     *
     * @return the claim, or empty when another instance holds it (the file is left alone)
     */
    Optional<Claim> tryClaim(String fileKey);

    /** A claim held by this instance; closing it lets another instance take the file. */
    interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    /** The claims of an instance that watches its drops alone: every file is its own. */
    static FileClaims none() {
        return fileKey -> Optional.of(() -> {
        });
    }
}
