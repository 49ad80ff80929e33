package dev.trilog.sqs.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.log.LogEngine;
import dev.trilog.sqs.policy.QueuePolicy;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The queue attributes a client may set, with AWS's defaults, ranges and errors: an unknown name
 * (or a FIFO-only one on a standard queue) is {@code InvalidAttributeName}, a value out of range
 * {@code InvalidAttributeValue}, a redrive policy naming no queue {@code InvalidParameterValue}.
 * Values are kept as the strings GetQueueAttributes reports.
 */
public final class QueueAttributeRules {

    public static final String DELAY_SECONDS = "DelaySeconds";
    public static final String MAXIMUM_MESSAGE_SIZE = "MaximumMessageSize";
    public static final String MESSAGE_RETENTION_PERIOD = "MessageRetentionPeriod";
    public static final String RECEIVE_WAIT_TIME = "ReceiveMessageWaitTimeSeconds";
    public static final String VISIBILITY_TIMEOUT = "VisibilityTimeout";
    public static final String REDRIVE_POLICY = "RedrivePolicy";
    public static final String REDRIVE_ALLOW_POLICY = "RedriveAllowPolicy";
    public static final String POLICY = "Policy";
    public static final String FIFO_QUEUE = "FifoQueue";
    public static final String CONTENT_BASED_DEDUPLICATION = "ContentBasedDeduplication";
    public static final String DEDUPLICATION_SCOPE = "DeduplicationScope";
    public static final String FIFO_THROUGHPUT_LIMIT = "FifoThroughputLimit";

    /** What GetQueueAttributes computes rather than stores. */
    public static final List<String> COMPUTED = List.of("ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp",
            "LastModifiedTimestamp", "QueueArn");

    private static final ObjectMapper JSON = new ObjectMapper();

    private interface Check {
        String normalize(String name, String value, Context context);
    }

    private record Rule(String name, String defaultValue, boolean fifoOnly, boolean creationOnly, Check check) {
    }

    /**
     * What checking a value may need to know about other queues.
     *
     * @param fifo      whether the queue is FIFO
     * @param queueFifo for a queue ARN of this account, whether that queue exists and is FIFO
     */
    public record Context(boolean fifo, Function<String, Optional<Boolean>> queueFifo) {
    }

    private static final Map<String, Rule> RULES = rules();

    private QueueAttributeRules() {
    }

    private static Map<String, Rule> rules() {
        Map<String, Rule> rules = new LinkedHashMap<>();
        add(rules, new Rule(DELAY_SECONDS, "0", false, false, range(0, 900)));
        add(rules, new Rule(MAXIMUM_MESSAGE_SIZE, "1048576", false, false, range(1024, 1_048_576)));
        add(rules, new Rule(MESSAGE_RETENTION_PERIOD, "345600", false, false, range(60, 1_209_600)));
        add(rules, new Rule(RECEIVE_WAIT_TIME, "0", false, false, range(0, 20)));
        add(rules, new Rule(VISIBILITY_TIMEOUT, "30", false, false, range(0, 43_200)));
        add(rules, new Rule(REDRIVE_POLICY, null, false, false, QueueAttributeRules::redrivePolicy));
        add(rules, new Rule(REDRIVE_ALLOW_POLICY, null, false, false, QueueAttributeRules::redriveAllowPolicy));
        add(rules, new Rule(POLICY, null, false, false, (name, value, context) -> {
            QueuePolicy.parse(value); // refused unless it is a policy Trilog can enforce
            return value;
        }));
        add(rules, new Rule("KmsMasterKeyId", null, false, false, (n, v, c) -> v));
        add(rules, new Rule("KmsDataKeyReusePeriodSeconds", "300", false, false, range(60, 86_400)));
        add(rules, new Rule("SqsManagedSseEnabled", "true", false, false, oneOf("true", "false")));
        add(rules, new Rule(FIFO_QUEUE, null, true, true, oneOf("true")));
        add(rules, new Rule(CONTENT_BASED_DEDUPLICATION, "false", true, false, oneOf("true", "false")));
        add(rules, new Rule(DEDUPLICATION_SCOPE, "queue", true, false, oneOf("messageGroup", "queue")));
        add(rules, new Rule(FIFO_THROUGHPUT_LIMIT, "perQueue", true, false, oneOf("perQueue", "perMessageGroupId")));
        return Map.copyOf(rules);
    }

    private static void add(Map<String, Rule> rules, Rule rule) {
        rules.put(rule.name, rule);
    }

    /** Every attribute name a client may ask GetQueueAttributes for, besides {@code All}. */
    public static boolean isKnownName(String name) {
        return RULES.containsKey(name) || COMPUTED.contains(name);
    }

    /** Whether the attribute exists only on FIFO queues. */
    public static boolean isFifoOnly(String name) {
        Rule rule = RULES.get(name);
        return rule != null && rule.fifoOnly;
    }

    /** The attributes a new queue has: the defaults for its kind, overridden by {@code given}. */
    public static Map<String, String> forNewQueue(Map<String, String> given, Context context) {
        Map<String, String> effective = new LinkedHashMap<>();
        for (Rule rule : RULES.values()) {
            if (rule.defaultValue != null && (!rule.fifoOnly || context.fifo)) {
                effective.put(rule.name, rule.defaultValue);
            }
        }
        if (context.fifo) {
            effective.put(FIFO_QUEUE, "true");
        }
        effective.putAll(normalize(given, context, true));
        return effective;
    }

    /**
     * Checks attributes a client gives, returning them normalized; an empty RedrivePolicy or Policy
     * stays empty (SetQueueAttributes removes it).
     *
     * @param creating CreateQueue (FifoQueue may be given) rather than SetQueueAttributes
     */
    public static Map<String, String> normalize(Map<String, String> given, Context context, boolean creating) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            Rule rule = RULES.get(e.getKey());
            if (rule == null || rule.fifoOnly && !context.fifo) {
                if (e.getKey().equals(FIFO_QUEUE) && e.getValue().equals("false") && creating) {
                    continue; // FifoQueue=false on a standard queue is what it is anyway
                }
                throw new SqsException(SqsError.INVALID_ATTRIBUTE_NAME, "Unknown Attribute " + e.getKey() + ".");
            }
            if (rule.creationOnly && !creating) {
                throw new SqsException(SqsError.INVALID_ATTRIBUTE_NAME,
                        "Attribute " + e.getKey() + " can only be set when the queue is created.");
            }
            String value = e.getValue();
            if (value.isEmpty() && (rule.name.equals(REDRIVE_POLICY) || rule.name.equals(REDRIVE_ALLOW_POLICY)
                    || rule.name.equals(POLICY) || rule.name.equals("KmsMasterKeyId"))) {
                out.put(rule.name, "");
                continue;
            }
            out.put(rule.name, rule.check.normalize(rule.name, value, context));
        }
        return out;
    }

    /**
     * The queue names of the given kind a client may pass to CreateQueue: AWS's rules, and none
     * starting with {@link LogEngine#RESERVED_PREFIX}, which the engine keeps for its internal logs
     * (a queue's topic is named as the queue).
     */
    public static void checkQueueName(String name, boolean fifo) {
        if (name.startsWith(LogEngine.RESERVED_PREFIX)) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Queue names starting with "
                    + LogEngine.RESERVED_PREFIX + " are reserved for Trilog's internal logs.");
        }
        if (fifo) {
            if (!name.matches("[A-Za-z0-9_-]{1,75}\\.fifo")) {
                throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "The name of a FIFO queue can only include"
                        + " alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to"
                        + " 80 in length.");
            }
        } else if (!name.matches("[A-Za-z0-9_-]{1,80}")) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE,
                    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }
    }

    private static Check range(int min, int max) {
        return (name, value, context) -> {
            try {
                int parsed = Integer.parseInt(value.trim());
                if (parsed >= min && parsed <= max) {
                    return Integer.toString(parsed);
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw invalidAttribute(name);
        };
    }

    private static Check oneOf(String... allowed) {
        Set<String> values = Set.of(allowed);
        return (name, value, context) -> {
            if (!values.contains(value)) {
                throw invalidAttribute(name);
            }
            return value;
        };
    }

    /** {"deadLetterTargetArn": "arn:…", "maxReceiveCount": 1–1000}, re-written as AWS reports it. */
    private static String redrivePolicy(String name, String value, Context context) {
        ObjectNode policy = readObject(name, value);
        JsonNode target = policy.get("deadLetterTargetArn");
        JsonNode count = policy.get("maxReceiveCount");
        if (target == null || !target.isTextual() || count == null) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Value " + value + " for parameter "
                    + name + " is invalid. Reason: Redrive policy does not contain mandatory attribute:"
                    + (target == null ? " deadLetterTargetArn." : " maxReceiveCount."));
        }
        int maxReceiveCount;
        try {
            maxReceiveCount = Integer.parseInt(count.asText().trim());
        } catch (NumberFormatException e) {
            maxReceiveCount = 0;
        }
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Value " + value + " for parameter " + name
                    + " is invalid. Reason: Invalid value for maxReceiveCount: " + count.asText()
                    + ", valid values are from 1 to 1000 both inclusive.");
        }
        Optional<Boolean> targetFifo = context.queueFifo.apply(target.asText());
        if (targetFifo.isEmpty()) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Value " + value + " for parameter " + name
                    + " is invalid. Reason: Dead letter target does not exist.");
        }
        if (targetFifo.get() != context.fifo) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Value " + value + " for parameter " + name
                    + " is invalid. Reason: Dead-letter queue must be same type of queue as the source.");
        }
        ObjectNode normalized = JSON.createObjectNode();
        normalized.put("deadLetterTargetArn", target.asText());
        normalized.put("maxReceiveCount", maxReceiveCount);
        return normalized.toString();
    }

    /** {"redrivePermission": allowAll | denyAll | byQueue, "sourceQueueArns": [1–10 ARNs when byQueue]}. */
    private static String redriveAllowPolicy(String name, String value, Context context) {
        ObjectNode policy = readObject(name, value);
        String permission = policy.path("redrivePermission").asText("");
        JsonNode sources = policy.get("sourceQueueArns");
        boolean ok = switch (permission) {
            case "allowAll", "denyAll" -> sources == null;
            case "byQueue" -> sources != null && sources.isArray() && sources.size() >= 1 && sources.size() <= 10;
            default -> false;
        };
        if (!ok) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Value " + value + " for parameter " + name
                    + " is invalid. Reason: redrivePermission is allowAll, denyAll or byQueue, and byQueue names 1"
                    + " to 10 sourceQueueArns.");
        }
        return policy.toString();
    }

    private static ObjectNode readObject(String name, String value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new SqsException(SqsError.INVALID_PARAMETER_VALUE,
                "Value " + value + " for parameter " + name + " is invalid. Reason: Invalid JSON.");
    }

    private static SqsException invalidAttribute(String name) {
        return new SqsException(SqsError.INVALID_ATTRIBUTE_VALUE, "Invalid value for the parameter " + name + ".");
    }
}
