package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.sqs.queue.SqsQueue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AddPermission and RemovePermission: grants are checked as SQS checks them and stored with the
 * queue; Trilog does not enforce them (any caller may use any queue, as the README says).
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
        if (queue.permissions().containsKey(label)) {
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
        Map<String, SqsQueue.Permission> permissions = new LinkedHashMap<>(queue.permissions());
        permissions.put(label, new SqsQueue.Permission(accounts, actions));
        directory.updateTagsOrPermissions(queue.withPermissions(permissions));
        return JsonNodeFactory.instance.objectNode();
    }

    synchronized ObjectNode removePermission(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        String label = request.params().requireString("Label");
        if (!queue.permissions().containsKey(label)) {
            throw SqsException.invalidValue("Label", label, "can't find label on existing policy.");
        }
        Map<String, SqsQueue.Permission> permissions = new LinkedHashMap<>(queue.permissions());
        permissions.remove(label);
        directory.updateTagsOrPermissions(queue.withPermissions(permissions));
        return JsonNodeFactory.instance.objectNode();
    }
}
