package org.senderroute.validate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The validation rules, read from configuration: the accepted ISO codes, a default rule and one rule per country
 * ({@code sender.rules.<iso>.sender-pattern}, {@code .sender-hint}, {@code .entity-id-required},
 * {@code .entity-id-pattern}, {@code .entity-id-hint}; {@code <iso>} = {@code default} for all others).
 */
public final class ValidationRules {

    public static final String PREFIX = "sender.rules.";

    private final Set<String> isoCodes;
    private final CountryRule fallback;
    private final Map<String, CountryRule> byCountry;

    public ValidationRules(Set<String> isoCodes, CountryRule fallback, Map<String, CountryRule> byCountry) {
        this.isoCodes = isoCodes;
        this.fallback = fallback;
        this.byCountry = Map.copyOf(byCountry);
    }

    /**
     * @param lookup    property value by key, null when absent
     * @param countries the countries that have rules configured (besides "default")
     */
    public static ValidationRules from(Function<String, String> lookup, Set<String> countries) {
        String isoList = lookup.apply(PREFIX + "iso-codes");
        Set<String> iso = isoList == null || isoList.isBlank()
                ? Arrays.stream(Locale.getISOCountries()).map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet())
                : Arrays.stream(isoList.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        CountryRule fallback = rule(lookup, "default", CountryRule.lenient());
        Map<String, CountryRule> byCountry = new HashMap<>();
        for (String country : countries) {
            String key = country.toLowerCase(Locale.ROOT);
            if (!key.equals("default")) {
                byCountry.put(key, rule(lookup, key, fallback));
            }
        }
        return new ValidationRules(iso, fallback, byCountry);
    }

    /** The country keys named by properties such as {@code sender.rules.in.sender-pattern}. */
    public static Set<String> countriesIn(Iterable<String> propertyNames) {
        Set<String> countries = new TreeSet<>();
        for (String name : propertyNames) {
            if (name.startsWith(PREFIX)) {
                String rest = name.substring(PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    countries.add(rest.substring(0, dot).toLowerCase(Locale.ROOT));
                }
            }
        }
        return countries;
    }

    private static CountryRule rule(Function<String, String> lookup, String country, CountryRule base) {
        String p = PREFIX + country + ".";
        String senderPattern = lookup.apply(p + "sender-pattern");
        String entityPattern = lookup.apply(p + "entity-id-pattern");
        String entityRequired = lookup.apply(p + "entity-id-required");
        return new CountryRule(
                senderPattern == null ? base.senderPattern() : Pattern.compile(senderPattern),
                orElse(lookup.apply(p + "sender-hint"), senderPattern == null ? base.senderHint() : "matching " + senderPattern),
                entityRequired == null ? base.entityRequired() : Boolean.parseBoolean(entityRequired.trim()),
                entityPattern == null ? base.entityPattern() : Pattern.compile(entityPattern),
                orElse(lookup.apply(p + "entity-id-hint"), entityPattern == null ? base.entityHint() : "matching " + entityPattern));
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public boolean knownIsoCode(String iso) {
        return isoCodes.contains(iso.toLowerCase(Locale.ROOT));
    }

    public CountryRule forCountry(String iso) {
        return byCountry.getOrDefault(iso.toLowerCase(Locale.ROOT), fallback);
    }
}
