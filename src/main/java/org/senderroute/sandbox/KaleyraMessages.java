package org.senderroute.sandbox;

/** Codes and message texts the sandbox answers with. */
public final class KaleyraMessages {

    public static final String CODE_CREATED = "MSG106";
    public static final String CREATED =
            "Your Sender ID is submitted and will be verified by a Kaleyra Support Team member.";
    public static final String CREATED_STATUS = "1";

    public static final String CODE_NOT_CREATED = "MSG134";
    public static final String NOT_CREATED = "Sender IDs not created";

    public static final String CODE_CAPACITY = "RBC192";

    public static final String CODE_AUTH = "RBC001";
    public static final String AUTH = "Incorrect SID or API Key";

    public static final String CODE_BAD_BODY = "RBC400";
    public static final String BAD_BODY = "Invalid request body";
    public static final String BAD_BODY_NOT_JSON = "body is not valid JSON";
    public static final String BAD_BODY_NO_DATA = "body must be a JSON object with a \"data\" array";
    public static final String BAD_BODY_EMPTY_DATA = "\"data\" must not be empty";

    public static final String CODE_NOT_FOUND = "RBC404";
    public static final String NOT_FOUND = "Not found";

    public static final String CODE_INTERNAL = "RBC500";
    public static final String INTERNAL = "Internal sandbox error";

    public static final String SENDER_REQUIRED = "Sender ID is required.";
    public static final String SENDER_INDIA_FORMAT = "Sender ID has to be registered and it can only be 6 character";
    public static final String SENDER_EXISTS = "Sender ID Already exist.";
    public static final String DESCRIPTION_REQUIRED = "Description is required.";
    public static final String ISO_CODE_REQUIRED = "ISO code is required.";
    public static final String ISO_CODE_INVALID = "ISO code is not a valid ISO 3166-1 alpha-2 country code.";
    public static final String ENTITY_ID_INVALID =
            "Entity ID should contain numbers and have a length of minimum 12 and maximum 30 characters.";

    public static final String FIELD_SENDER = "sender";
    public static final String FIELD_DESCRIPTION = "description";
    public static final String FIELD_ISO_CODE = "iso_code";
    public static final String FIELD_ENTITY_ID = "entity_id";
    public static final String FIELD_SENDER_NAME = "sender_name";

    private KaleyraMessages() {
    }

    public static String capacityExceeded(int capacity) {
        return "Exceeded max capacity of " + capacity + " senders";
    }
}
