package dev.trilog.sqs.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A queue's {@code Policy} attribute: an IAM resource policy, read with Jackson, kept as the
 * document the client gave (GetQueueAttributes answers it as it was set) and as the statements
 * evaluation needs.
 *
 * <p>The grammar accepted: {@code Version} and {@code Id} (optional), {@code Statement} (one
 * object or an array), each with {@code Effect} ({@code Allow} or {@code Deny}), {@code Principal}
 * ({@code "*"} or an object whose {@code AWS} member is a string or an array), {@code Action} (a
 * string or an array) and optionally {@code Sid}, {@code Resource} (absent = every queue) and
 * {@code Condition} (accepted, not evaluated: see {@link PolicyStatement#applies}).
 * {@code NotPrincipal}, {@code NotAction} and {@code NotResource} are refused, as anything else
 * that is not this grammar: {@code InvalidAttributeValue}, and the queue is left as it was.
 *
 * <p>Evaluation is IAM's for one resource policy: an explicit Deny wins, then an Allow, else the
 * caller is not allowed ({@link Decision#NOT_ALLOWED}); {@link QueueAccess} decides what that
 * means for the queue owner's keys.
 */
public final class QueuePolicy {

    /** What the policy says about one request. */
    public enum Decision { ALLOW, DENY, NOT_ALLOWED }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> UNSUPPORTED = Set.of("NotPrincipal", "NotAction", "NotResource");

    private final ObjectNode document;
    private final List<PolicyStatement> statements;

    private QueuePolicy(ObjectNode document, List<PolicyStatement> statements) {
        this.document = document;
        this.statements = List.copyOf(statements);
    }

    /**
     * Reads a policy document.
     *
     * @throws SqsException InvalidAttributeValue naming what is wrong
     */
    public static QueuePolicy parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid("it is not JSON");
        }
        if (!(root instanceof ObjectNode document)) {
            throw invalid("it is not a JSON object");
        }
        JsonNode statementNode = document.get("Statement");
        if (statementNode == null) {
            throw invalid("it has no Statement");
        }
        List<PolicyStatement> statements = new ArrayList<>();
        for (JsonNode statement : statementNode.isArray() ? statementNode : List.of(statementNode)) {
            statements.add(statement(statement));
        }
        return new QueuePolicy(document.deepCopy(), statements);
    }

    /** A policy with no statement yet, as AddPermission starts one (AWS's default policy id). */
    public static QueuePolicy empty(String queueArn) {
        ObjectNode document = JSON.createObjectNode();
        document.put("Version", "2012-10-17");
        document.put("Id", queueArn + "/SQSDefaultPolicy");
        document.putArray("Statement");
        return new QueuePolicy(document, List.of());
    }

    /**
     * @param accessKeyId the caller's access key id
     * @param accountId   the account every key belongs to ({@code sqs.account-id})
     * @param iamAction   the action as IAM names it: {@code sqs:SendMessage}
     */
    public Decision evaluate(String accessKeyId, String accountId, String iamAction, String queueArn) {
        boolean allowed = false;
        for (PolicyStatement statement : statements) {
            if (statement.applies(accessKeyId, accountId, iamAction, queueArn)) {
                if (!statement.allow()) {
                    return Decision.DENY;
                }
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOW : Decision.NOT_ALLOWED;
    }

    /** Whether a statement has this {@code Sid} (an AddPermission label). */
    public boolean hasStatement(String sid) {
        return statements.stream().anyMatch(s -> sid.equals(s.sid()));
    }

    /**
     * With one more statement, as AddPermission adds it: Allow, {@code Sid} = the label, the
     * principals and {@code SQS:<action>} names given, the queue as the resource.
     */
    public QueuePolicy withGrant(String label, List<String> principals, List<String> actionNames, String queueArn) {
        ObjectNode statement = JSON.createObjectNode();
        statement.put("Sid", label);
        statement.put("Effect", "Allow");
        ArrayNode aws = statement.putObject("Principal").putArray("AWS");
        principals.forEach(aws::add);
        ArrayNode actions = statement.putArray("Action");
        actionNames.forEach(name -> actions.add("SQS:" + name));
        statement.put("Resource", queueArn);
        ObjectNode edited = document.deepCopy();
        statementArray(edited).add(statement);
        return parse(edited.toString());
    }

    /** Without the statements whose {@code Sid} is {@code label}, as RemovePermission takes them away. */
    public QueuePolicy withoutStatement(String label) {
        ObjectNode edited = document.deepCopy();
        ArrayNode kept = JSON.createArrayNode();
        for (JsonNode statement : statementArray(edited)) {
            if (!label.equals(statement.path("Sid").asText(null))) {
                kept.add(statement);
            }
        }
        edited.set("Statement", kept);
        return parse(edited.toString());
    }

    /** The document as stored and reported by GetQueueAttributes. */
    public String toJson() {
        return document.toString();
    }

    /** The document's statements as an array, a single statement object made into one. */
    private static ArrayNode statementArray(ObjectNode document) {
        JsonNode statements = document.get("Statement");
        if (statements instanceof ArrayNode array) {
            return array;
        }
        ArrayNode array = document.putArray("Statement");
        if (statements != null) {
            array.add(statements);
        }
        return array;
    }

    private static PolicyStatement statement(JsonNode node) {
        if (!node.isObject()) {
            throw invalid("a Statement is not a JSON object");
        }
        for (String unsupported : UNSUPPORTED) {
            if (node.has(unsupported)) {
                throw invalid(unsupported + " is not supported by Trilog");
            }
        }
        String effect = node.path("Effect").asText("");
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            throw invalid("Effect must be Allow or Deny");
        }
        JsonNode sid = node.get("Sid");
        if (sid != null && !sid.isTextual()) {
            throw invalid("Sid must be a string");
        }
        List<String> actions = strings(node.get("Action"), "Action");
        if (actions.isEmpty()) {
            throw invalid("a Statement has no Action");
        }
        JsonNode resource = node.get("Resource");
        List<String> resources = resource == null ? List.of("*") : strings(resource, "Resource");
        return new PolicyStatement(sid == null ? null : sid.asText(), effect.equals("Allow"),
                principals(node.get("Principal")), actions, resources, node.has("Condition"));
    }

    /** {@code "*"}, or {@code {"AWS": …}} with other kinds (Service, …) kept as matching no key. */
    private static List<String> principals(JsonNode principal) {
        if (principal == null) {
            throw invalid("a Statement has no Principal");
        }
        if (principal.isTextual()) {
            if (!principal.asText().equals("*")) {
                throw invalid("a Principal string can only be \"*\"");
            }
            return List.of("*");
        }
        if (!principal.isObject()) {
            throw invalid("Principal must be \"*\" or an object such as {\"AWS\": [...]}");
        }
        JsonNode aws = principal.get("AWS");
        return aws == null ? List.of() : strings(aws, "Principal AWS");
    }

    private static List<String> strings(JsonNode node, String what) {
        List<String> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        for (JsonNode value : node.isArray() ? node : List.of(node)) {
            if (!value.isTextual() || value.asText().isEmpty()) {
                throw invalid(what + " must be a string or an array of strings");
            }
            values.add(value.asText());
        }
        return values;
    }

    private static SqsException invalid(String reason) {
        return new SqsException(SqsError.INVALID_ATTRIBUTE_VALUE,
                "Invalid value for the parameter Policy. Reason: " + reason + ".");
    }
}
