package org.senderroute.domain;

/**
 * Why a record ended in the failure destination: a stable code for machines and a message a person can act on.
 */
public record Failure(String code, String message) {

    // found before sending
    public static final String PARSE_ERROR = "PARSE_ERROR";
    public static final String INVALID_TEXT = "INVALID_TEXT";
    public static final String FILE_UNREADABLE = "FILE_UNREADABLE";
    public static final String MISSING_SENDER = "MISSING_SENDER";
    public static final String MISSING_DESCRIPTION = "MISSING_DESCRIPTION";
    public static final String MISSING_ISO_CODE = "MISSING_ISO_CODE";
    public static final String INVALID_ISO_CODE = "INVALID_ISO_CODE";
    public static final String INVALID_SENDER = "INVALID_SENDER";
    public static final String MISSING_ENTITY_ID = "MISSING_ENTITY_ID";
    public static final String INVALID_ENTITY_ID = "INVALID_ENTITY_ID";
    public static final String DUPLICATE_IN_FILE = "DUPLICATE_IN_FILE";

    // decided by the call
    public static final String AUTH_REFUSED = "AUTH_REFUSED";
    public static final String API_UNAVAILABLE = "API_UNAVAILABLE";
    public static final String OVER_CAPACITY = "RBC192";
    public static final String UNEXPECTED_RESPONSE = "UNEXPECTED_RESPONSE";
    /** Another instance sharing the ledger was sending the sender and did not finish in time: this one did not send it. */
    public static final String SENDER_BUSY = "SENDER_BUSY";
}
