package org.senderroute.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bearer tokens of the HTTP intake, one per account: a request's {@code Authorization: Bearer <token>} names its
 * account. Tokens are kept as their SHA-256 only, and a presented token is compared with every account's in constant
 * time ({@link MessageDigest#isEqual}), the loop never ending early, so the time taken tells nothing of the tokens.
 */
public final class IntakeTokens {

    private static final String BEARER = "bearer ";

    private final Map<String, byte[]> digestByAccount = new LinkedHashMap<>();

    /** @param tokenByAccount the token of each account that may use the HTTP intake */
    public IntakeTokens(Map<String, String> tokenByAccount) {
        tokenByAccount.forEach((account, token) -> digestByAccount.put(account, digest(token)));
    }

    /** The account whose token the header carries, or null (no header, another scheme, no such token). */
    public String accountOf(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        byte[] presented = digest(authorization.substring(BEARER.length()).trim());
        String found = null;
        for (Map.Entry<String, byte[]> entry : digestByAccount.entrySet()) {
            if (MessageDigest.isEqual(entry.getValue(), presented) && found == null) {
                found = entry.getKey();
            }
        }
        return found;
    }

    public int size() {
        return digestByAccount.size();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
