package org.senderroute.validate;

import java.util.regex.Pattern;

/**
 * What a country asks of a request before Kaleyra sees it.
 *
 * @param senderPattern   the whole sender must match it
 * @param senderHint      the pattern said in words, for the failure message
 * @param entityRequired  whether entity_id is mandatory
 * @param entityPattern   the whole entity_id must match it when present
 * @param entityHint      the entity pattern said in words
 */
public record CountryRule(Pattern senderPattern, String senderHint, boolean entityRequired, Pattern entityPattern,
        String entityHint) {

    /** What applies where the configuration says nothing about a country: any non-blank sender, entity_id optional. */
    public static CountryRule lenient() {
        return new CountryRule(Pattern.compile(".+"), "not blank", false, Pattern.compile("[0-9]{12,30}"),
                "12 to 30 digits");
    }
}
