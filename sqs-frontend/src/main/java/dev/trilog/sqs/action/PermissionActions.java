package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.policy.QueuePolicy;
import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.sqs.queue.QueueAttributeRules;
import dev.trilog.sqs.queue.SqsQueue;
import java.util.List;
import java.util.Map;

/**
 * AddPermission and RemovePermission, as AWS does them: they edit the queue's {@code Policy}, one
 * statement per label ({@code Sid}), which {@link dev.trilog.sqs.policy.QueueAccess} enforces like
 * any policy. A principal given as a 12-digit account id becomes {@code arn:aws:iam::<id>:root}
 * (AWS's form: every key of that account); anything else is taken as an access key id.
 * RemovePermission of the last label leaves a policy with no statement, which still restricts the
 * queue to its owner keys: taking a grant away never opens the queue to everyone.
 */
final class PermissionActions {

    private final QueueDirectory directory;

    PermissionActions(QueueDirectory directory) {
        this.directory = directory;
    }

    synchronized ObjectNode addPermission(SqsRequest request) {
        SqsParams params = request.params();
        SqsQueue queue = directory.byUrl(params);
        String label = params.requireString("Label");
        if (!label.matches("[A-Za-z0-9_-]{1,80}")) {
            throw SqsException.invalidValue("Label", label,
                    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }
        QueuePolicy policy = policyOf(queue);
        if (policy.hasStatement(label)) {
            throw SqsException.invalidValue("Label", label, "Already exists.");
        }
        List<String> accounts = params.stringList("AWSAccountIds");
        List<String> actions = params.stringList("Actions");
        if (accounts.isEmpty()) {
            throw SqsException.missingParameter("AWSAccountId.1");
        }
        if (actions.isEmpty()) {
            throw SqsException.missingParameter("ActionName.1");
        }
        for (String action : actions) {
            if (!action.equals("*") && SqsAction.forName(action).isEmpty()) {
                throw SqsException.invalidValue("ActionName", action, "Unknown action.");
            }
        }
        List<String> principals = accounts.stream()
                .map(id -> id.matches("[0-9]{12}") ? "arn:aws:iam::" + id + ":root" : id).toList();
        store(queue, policy.withGrant(label, principals, actions, directory.urls().arn(queue.name())));
        return JsonNodeFactory.instance.objectNode();
    }

    synchronized ObjectNode removePermission(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        String label = request.params().requireString("Label");
        QueuePolicy policy = policyOf(queue);
        if (!policy.hasStatement(label)) {
            throw SqsException.invalidValue("Label", label, "can't find label on existing policy.");
        }
        store(queue, policy.withoutStatement(label));
        return JsonNodeFactory.instance.objectNode();
    }

    /** The queue's policy to edit; a new one when it has none (or one stored before policies were checked). */
    private QueuePolicy policyOf(SqsQueue queue) {
        String text = queue.attribute(QueueAttributeRules.POLICY);
        String arn = directory.urls().arn(queue.name());
        if (text == null || text.isEmpty()) {
            return QueuePolicy.empty(arn);
        }
        try {
            return QueuePolicy.parse(text);
        } catch (SqsException unreadable) {
            return QueuePolicy.empty(arn);
        }
    }

    private void store(SqsQueue queue, QueuePolicy policy) {
        directory.updateTagsOrPermissions(queue.withAttributes(Map.of(QueueAttributeRules.POLICY, policy.toJson()),
                directory.nowSeconds()));
    }
}
