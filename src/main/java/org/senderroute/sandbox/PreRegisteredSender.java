package org.senderroute.sandbox;

/** One {@code "iso:SENDER"} entry of {@link SandboxSettings#preRegistered()}. */
record PreRegisteredSender(String isoCode, String sender) {

    static PreRegisteredSender parse(String entry) {
        if (entry == null) {
            throw new IllegalArgumentException("pre-registered sender must not be null");
        }
        int colon = entry.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(
                    "pre-registered sender must look like iso:SENDER (e.g. in:ABCF01), got '" + entry + "'");
        }
        String iso = entry.substring(0, colon).strip();
        String sender = entry.substring(colon + 1).strip();
        if (!IsoCountryCodes.isKnown(iso)) {
            throw new IllegalArgumentException("pre-registered sender '" + entry + "' has an unknown ISO code");
        }
        if (sender.isEmpty()) {
            throw new IllegalArgumentException("pre-registered sender '" + entry + "' has no sender");
        }
        return new PreRegisteredSender(IsoCountryCodes.normalize(iso), sender);
    }
}
