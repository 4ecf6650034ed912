package org.senderroute.kaleyra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.ExpressionAdapter;
import org.senderroute.domain.Failure;

/**
 * What the call routes ask of a batch's exchange on every call, as predicates and expressions bound by name and read
 * with Camel's {@code ref} language: the classes of Kaleyra's reply the content-based router tells apart, the loop's
 * questions to the batch's conversation, and where the call goes with which key. A Simple expression that calls a
 * method ({@code ${body.status}}) copies the exchange, looks the method up by reflection and may introspect the
 * object's class again on each evaluation; that per-call work is also code the JIT compiler ends up compiling.
 * These are plain method calls, looked up once when the routes start.
 */
public final class KaleyraCallRouting {

    /** 200 MSG106 with a data array, the whole body well-formed: any other 200 is not a success. */
    public static final String ACCEPTED = "kaleyraReplyAccepted";
    /** 400 MSG134: Kaleyra names the entries it refused. */
    public static final String ENTRIES_REJECTED = "kaleyraReplyEntriesRejected";
    /** 400 RBC192: the request was too large. */
    public static final String OVER_CAPACITY = "kaleyraReplyOverCapacity";
    /** 401 or 403. */
    public static final String CREDENTIALS_REFUSED = "kaleyraReplyCredentialsRefused";
    /** 429 or any 5xx. */
    public static final String RETRY_LATER = "kaleyraReplyRetryLater";
    /** The batch needs another call. */
    public static final String CONVERSATION_OPEN = "kaleyraConversationOpen";
    /** The batch's conversation is closed: the processing of the file was abandoned while the batch waited. */
    public static final String CONVERSATION_CLOSED = "kaleyraConversationClosed";
    /** How long to wait before the next call: 0 unless a retry is due. */
    public static final String BACKOFF_MILLIS = "kaleyraConversationBackoffMillis";
    /** The account's credentials were refused already, so that no call may be made. */
    public static final String ACCOUNT_REFUSED = "kaleyraCredentialsRefused";
    /** An earlier batch of the same file gave up on an unavailable API. */
    public static final String API_GIVEN_UP = "kaleyraApiGivenUp";
    /** The account's api-key. */
    public static final String API_KEY = "kaleyraAccountApiKey";
    /** The account's Create Sender ID path. */
    public static final String REQUEST_PATH = "kaleyraAccountRequestPath";
    /** The account's base URL. */
    public static final String BASE_URL = "kaleyraAccountBaseUrl";

    private KaleyraCallRouting() {
    }

    /** Binds every predicate and expression of the call routes under its name. */
    public static void bindTo(Registry registry) {
        all().forEach(registry::bind);
    }

    static Map<String, Object> all() {
        Map<String, Object> named = new LinkedHashMap<>();
        named.put(ACCEPTED, reply(r -> r.getStatus() == 200 && KaleyraReply.SUCCESS_CODE.equals(r.getCode())
                && r.isDataArray()));
        named.put(ENTRIES_REJECTED, reply(r -> r.getStatus() == 400 && "MSG134".equals(r.getCode())));
        named.put(OVER_CAPACITY, reply(r -> r.getStatus() == 400 && Failure.OVER_CAPACITY.equals(r.getCode())));
        named.put(CREDENTIALS_REFUSED, reply(r -> r.getStatus() == 401 || r.getStatus() == 403));
        named.put(RETRY_LATER, reply(r -> r.getStatus() == 429 || r.getStatus() >= 500));
        named.put(CONVERSATION_OPEN, conversation(KaleyraConversation::isOpen));
        named.put(CONVERSATION_CLOSED, conversation(c -> !c.isOpen()));
        named.put(BACKOFF_MILLIS, new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return conversationOf(exchange).getBackoffMillis();
            }
        });
        named.put(ACCOUNT_REFUSED, conversation(KaleyraConversation::isCredentialsRefused));
        named.put(API_GIVEN_UP, conversation(KaleyraConversation::isApiGivenUp));
        named.put(API_KEY, account(KaleyraAccount::getApiKey));
        named.put(REQUEST_PATH, account(KaleyraAccount::getRequestPath));
        named.put(BASE_URL, account(KaleyraAccount::getBaseUrl));
        return named;
    }

    private static Predicate reply(java.util.function.Predicate<KaleyraReply> test) {
        return exchange -> exchange.getMessage().getBody() instanceof KaleyraReply reply && test.test(reply);
    }

    private static Predicate conversation(java.util.function.Predicate<KaleyraConversation> test) {
        return exchange -> test.test(conversationOf(exchange));
    }

    private static KaleyraConversation conversationOf(Exchange exchange) {
        KaleyraConversation c = exchange.getProperty(KaleyraConversation.PROPERTY, KaleyraConversation.class);
        if (c == null) {
            throw new IllegalStateException("no Kaleyra conversation on this batch's exchange");
        }
        return c;
    }

    private static ExpressionAdapter account(Function<KaleyraAccount, String> value) {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                KaleyraAccount account = exchange.getProperty(KaleyraConversations.ACCOUNT_PROPERTY,
                        KaleyraAccount.class);
                if (account == null) {
                    throw new IllegalStateException("no Kaleyra account on this batch's exchange");
                }
                return value.apply(account);
            }
        };
    }
}
