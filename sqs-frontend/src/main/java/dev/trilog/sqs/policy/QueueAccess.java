package dev.trilog.sqs.policy;

import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may do what to a queue: its {@code Policy} judged for the request's access key. The rule
 * (docs/sqs.md, "Queue policies"):
 * <ul>
 *   <li>without access keys configured nobody is authenticated, so nothing is enforced;</li>
 *   <li>a queue without a Policy: every configured key may do everything, as before policies;</li>
 *   <li>a queue with a Policy (even one with no statement left): an explicit Deny refuses, then a
 *       key needs an Allow — except the owner keys ({@code sqs.owner-keys}), which stand for the
 *       account's administrators and need none; an explicit Deny refuses them too, but never
 *       the actions that read and change the policy (GetQueueAttributes, SetQueueAttributes,
 *       AddPermission, RemovePermission), so no policy locks its owner out.</li>
 * </ul>
 * A refusal is {@code AccessDenied} (403) and the action does not run.
 */
public final class QueueAccess {

    private static final Set<SqsAction> POLICY_MANAGEMENT = Set.of(SqsAction.GET_QUEUE_ATTRIBUTES,
            SqsAction.SET_QUEUE_ATTRIBUTES, SqsAction.ADD_PERMISSION, SqsAction.REMOVE_PERMISSION);
    /** Parsed policies by their text; a queue's is parsed once, not on every request. */
    private static final int CACHED_POLICIES = 1024;

    private final boolean enforced;
    private final Set<String> ownerKeys;
    private final String accountId;
    private final Map<String, QueuePolicy> parsed = new ConcurrentHashMap<>();

    private QueueAccess(boolean enforced, Set<String> ownerKeys, String accountId) {
        this.enforced = enforced;
        this.ownerKeys = Set.copyOf(ownerKeys);
        this.accountId = accountId;
    }

    /** Nothing enforced: no access keys are configured, so no caller is known. */
    public static QueueAccess open() {
        return new QueueAccess(false, Set.of(), "");
    }

    /**
     * @param ownerKeys the access keys policies do not restrict (bar an explicit Deny)
     * @param accountId the account every key belongs to ({@code sqs.account-id})
     */
    public static QueueAccess enforced(Set<String> ownerKeys, String accountId) {
        return new QueueAccess(true, ownerKeys, accountId);
    }

    /**
     * @param caller    the access key id that signed the request
     * @param policy    the queue's Policy attribute, or null when it has none
     * @param queueUrl  for the refusal's message, as SQS words it
     * @throws SqsException AccessDenied when the policy does not let the caller do it
     */
    public void check(String caller, SqsAction action, String queueArn, String policy, String queueUrl) {
        if (!enforced || policy == null || policy.isEmpty()) {
            return;
        }
        boolean owner = ownerKeys.contains(caller);
        QueuePolicy.Decision decision = policy(policy).evaluate(caller, accountId, iamAction(action), queueArn);
        boolean allowed = switch (decision) {
            case ALLOW -> true;
            case NOT_ALLOWED -> owner;
            case DENY -> owner && POLICY_MANAGEMENT.contains(action);
        };
        if (!allowed) {
            throw new SqsException(SqsError.ACCESS_DENIED, "Access to the resource " + queueUrl + " is denied.");
        }
    }

    /** The IAM action a request is judged as: a batch as its single form, as AWS authorizes it. */
    static String iamAction(SqsAction action) {
        return "sqs:" + switch (action) {
            case SEND_MESSAGE_BATCH -> SqsAction.SEND_MESSAGE.apiName();
            case DELETE_MESSAGE_BATCH -> SqsAction.DELETE_MESSAGE.apiName();
            case CHANGE_MESSAGE_VISIBILITY_BATCH -> SqsAction.CHANGE_MESSAGE_VISIBILITY.apiName();
            default -> action.apiName();
        };
    }

    private QueuePolicy policy(String text) {
        QueuePolicy policy = parsed.get(text);
        if (policy == null) {
            if (parsed.size() >= CACHED_POLICIES) {
                parsed.clear();
            }
            try {
                policy = QueuePolicy.parse(text);
            } catch (SqsException unreadable) {
                // stored before policies were checked on the way in: it allows nobody but the owners
                policy = QueuePolicy.empty("");
            }
            parsed.put(text, policy);
        }
        return policy;
    }
}
