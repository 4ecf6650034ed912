package org.senderroute.validate;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.senderroute.domain.Failure;
import org.senderroute.domain.SenderRequest;

/**
 * Checks one record against the rules Kaleyra is documented to enforce, so that records it would reject never
 * leave the machine. Stateless; the per-file duplicate check lives in {@link FileValidation}.
 */
public final class SenderValidator {

    private final ValidationRules rules;

    private final Path scratchDir;

    /** @param scratchDir where a file's table of senders seen is kept while the file is read */
    public SenderValidator(ValidationRules rules, Path scratchDir) {
        this.rules = rules;
        this.scratchDir = scratchDir;
    }

    /** A fresh validation for one file (it remembers the senders seen so far in that file). */
    public FileValidation forFile() {
        return new FileValidation(this, scratchDir);
    }

    /** @return null when the record may be sent, otherwise the first reason it may not */
    public Failure check(SenderRequest r) {
        return check(r, new Matchers());
    }

    /** The same, with the matchers of one reader (a file's records are checked one after the other). */
    Failure check(SenderRequest r, Matchers matchers) {
        if (!r.readable()) {
            return new Failure(Failure.PARSE_ERROR, r.parseProblem());
        }
        Failure text = SendableText.check(r);
        if (text != null) {
            return text;
        }
        if (r.sender() == null) {
            return new Failure(Failure.MISSING_SENDER, "sender is missing");
        }
        if (r.description() == null) {
            return new Failure(Failure.MISSING_DESCRIPTION, "description is missing");
        }
        if (r.isoCode() == null) {
            return new Failure(Failure.MISSING_ISO_CODE, "iso_code is missing (an ISO 3166-1 alpha-2 country code such as in)");
        }
        if (!rules.knownIsoCode(r.isoCode())) {
            return new Failure(Failure.INVALID_ISO_CODE, "iso_code '" + r.isoCode()
                    + "' is not an ISO 3166-1 alpha-2 country code accepted here");
        }
        CountryRule rule = rules.forCountry(r.isoCode());
        if (!matchers.matches(rule.senderPattern(), r.sender())) {
            return new Failure(Failure.INVALID_SENDER, "sender '" + r.sender() + "' (" + r.sender().length()
                    + " characters) must be " + rule.senderHint() + " for iso_code " + r.isoCode());
        }
        if (r.entityId() == null) {
            if (rule.entityRequired()) {
                return new Failure(Failure.MISSING_ENTITY_ID, "entity_id (the DLT entity id, " + rule.entityHint()
                        + ") is required for iso_code " + r.isoCode());
            }
        } else if (!matchers.matches(rule.entityPattern(), r.entityId())) {
            return new Failure(Failure.INVALID_ENTITY_ID, "entity_id '" + r.entityId() + "' must be " + rule.entityHint());
        }
        return null;
    }

    /** One matcher per pattern, reset for each value rather than made anew: a file of a million records checks two million values. */
    static final class Matchers {
        private final Map<Pattern, Matcher> byPattern = new IdentityHashMap<>();

        boolean matches(Pattern pattern, String value) {
            Matcher matcher = byPattern.get(pattern);
            if (matcher == null) {
                matcher = pattern.matcher(value);
                byPattern.put(pattern, matcher);
                return matcher.matches();
            }
            return matcher.reset(value).matches();
        }
    }
}
