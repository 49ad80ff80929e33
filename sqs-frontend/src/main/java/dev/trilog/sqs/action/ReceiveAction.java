package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.message.ValueType;
import dev.trilog.routing.queue.DeadLetterHeaders;
import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.routing.queue.QueueDelivery;
import dev.trilog.sqs.message.AttributeMapping;
import dev.trilog.sqs.message.MessageAttribute;
import dev.trilog.sqs.message.MessageDigests;
import dev.trilog.sqs.message.ReceiptHandles;
import dev.trilog.sqs.message.Utf8Text;
import dev.trilog.sqs.protocol.PlainAscii;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.sqs.queue.QueueAttributeRules;
import dev.trilog.sqs.queue.SqsQueue;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * ReceiveMessage: takes up to MaxNumberOfMessages from the queue facade, locked for the
 * visibility timeout, waiting up to WaitTimeSeconds for the first one (the facade completes the
 * long poll as soon as a message is available), and presents each as SQS does — receipt handle,
 * body and its MD5, the system attributes asked for, and the message attributes asked for (by
 * name, {@code All} / {@code .*}, or a {@code prefix.*}) with the MD5 of exactly those.
 *
 * <p>Nothing here waits on another thread: the facade takes the messages on the calling thread
 * (the connection's I/O thread for the JSON protocol, a worker for Query;
 * {@code Queues.receiveOnCallerThread}: no hop to its delivery thread and back), or parks the
 * poll in the queue's ring until an append wakes it, and the answer is put together on
 * {@link SqsRequest#answerOn()}, the connection's I/O thread, which then writes it.
 */
final class ReceiveAction {

    /** All SQS consumers share the queue's one share group; the consumer name only labels locks. */
    static final String CONSUMER = "sqs";
    private static final Set<String> SYSTEM_ATTRIBUTES = Set.of("All", "SenderId", "SentTimestamp",
            "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber", "MessageDeduplicationId",
            "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn");

    private final QueueDirectory directory;
    private final ReceiptHandles handles;
    /** The facade's receives not answered yet, so shutdown can answer them. */
    private final Set<CompletableFuture<List<QueueDelivery>>> waiting = ConcurrentHashMap.newKeySet();
    /** Set once the server shuts down: no receive waits any more. */
    private volatile boolean ending;

    ReceiveAction(QueueDirectory directory, ReceiptHandles handles) {
        this.directory = directory;
        this.handles = handles;
    }

    CompletableFuture<ObjectNode> receiveMessage(SqsRequest request) {
        SqsParams params = request.params();
        SqsQueue queue = directory.byUrl(params);
        int max = params.integer("MaxNumberOfMessages", 1, 10).orElse(1);
        int visibility = params.integer("VisibilityTimeout", 0, 43_200)
                .orElse(queue.intAttribute(QueueAttributeRules.VISIBILITY_TIMEOUT));
        int wait = params.integer("WaitTimeSeconds", 0, 20)
                .orElse(queue.intAttribute(QueueAttributeRules.RECEIVE_WAIT_TIME));
        Set<String> system = new LinkedHashSet<>(params.stringList("AttributeNames"));
        system.addAll(params.stringList("MessageSystemAttributeNames"));
        for (String name : system) {
            if (!SYSTEM_ATTRIBUTES.contains(name)) {
                throw new SqsException(SqsError.INVALID_ATTRIBUTE_NAME, "Unknown Attribute " + name + ".");
            }
        }
        List<String> attributeNames = params.stringList("MessageAttributeNames");
        long waitMs = ending ? 0 : wait * 1000L;
        CompletableFuture<List<QueueDelivery>> taken =
                directory.queues().receiveOnCallerThread(queue.name(), CONSUMER, max, visibility * 1000L, waitMs);
        waiting.add(taken);
        taken.whenComplete((deliveries, failure) -> waiting.remove(taken));
        if (ending) {
            taken.complete(List.of()); // shutdown began while this one started
        }
        Function<List<QueueDelivery>, ObjectNode> answer = deliveries -> {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            if (!deliveries.isEmpty()) {
                ArrayNode messages = result.putArray("Messages");
                for (QueueDelivery delivery : deliveries) {
                    present(queue, delivery, system, attributeNames, messages.addObject());
                }
            }
            return result;
        };
        CompletableFuture<ObjectNode> answered = taken.thenApplyAsync(answer, request.answerOn());
        // a client that goes away gives up its wait in the facade too
        answered.whenComplete((result, failure) -> {
            if (failure instanceof CancellationException) {
                taken.cancel(false);
            }
        });
        return answered;
    }

    /**
     * Answers every receive still open with no messages and lets no receive wait from now on: the
     * server is shutting down. A receive the facade has handed messages to already gets them; one
     * answered here gives back what the facade hands it later.
     *
     * @return how many were answered
     */
    int endWaits() {
        ending = true;
        int ended = 0;
        for (CompletableFuture<List<QueueDelivery>> taken : waiting) {
            if (taken.complete(List.of())) {
                ended++;
            }
        }
        return ended;
    }

    private void present(SqsQueue queue, QueueDelivery delivery, Set<String> system,
                         List<String> attributeNames, ObjectNode out) {
        Message message = delivery.message();
        DeliveryTag tag = delivery.tag();
        out.put("MessageId", messageId(message, tag));
        out.put("ReceiptHandle", handles.encode(tag));
        byte[] bytes = message.hasBody() ? message.bodyBytes() : new byte[0];
        String keptDigest = keptBodyDigest(message);
        if (PlainAscii.is(bytes)) {
            out.put("MD5OfBody", keptDigest != null ? keptDigest : MessageDigests.ofBody(bytes));
            out.putPOJO("Body", new Utf8Text(bytes)); // written from its bytes, see Utf8Text
        } else {
            // SQS bodies are text: a record written by Kafka with other bytes shows with replacement characters
            String body = message.bodyAsUtf8();
            out.put("MD5OfBody", keptDigest != null ? keptDigest : MessageDigests.ofBody(body));
            out.put("Body", body);
        }
        Map<String, String> systemValues = systemAttributes(queue, delivery, system);
        if (!systemValues.isEmpty()) {
            ObjectNode attributes = out.putObject("Attributes");
            systemValues.forEach(attributes::put);
        }
        Map<String, MessageAttribute> shown = attributeNames.isEmpty() ? Map.of()
                : selected(AttributeMapping.fromHeaders(message.headers()), attributeNames);
        if (!shown.isEmpty()) {
            out.put("MD5OfMessageAttributes", MessageDigests.ofAttributes(shown));
            ObjectNode attributes = out.putObject("MessageAttributes");
            shown.forEach((name, attribute) -> {
                ObjectNode value = attributes.putObject(name);
                if (attribute.isBinary()) {
                    value.put("BinaryValue", Base64.getEncoder().encodeToString(attribute.binaryValue()));
                } else {
                    value.put("StringValue", attribute.stringValue());
                }
                value.put("DataType", attribute.dataType());
            });
        }
    }

    /**
     * The MD5OfBody kept with the message when it was sent over SQS; null for any other message,
     * whose MD5OfBody is then the digest of the body as shown.
     */
    private static String keptBodyDigest(Message message) {
        HeaderValue kept = message.unknownProperties().get(SendActions.BODY_MD5_HEADER);
        return kept != null && kept.type() == ValueType.STRING ? kept.asString() : null;
    }

    /** The message's own id; a record without one (written by Kafka) gets a stable id from where it is. */
    private static String messageId(Message message, DeliveryTag tag) {
        HeaderValue id = message.properties().messageId();
        if (id != null) {
            return id.text();
        }
        return UUID.nameUUIDFromBytes((tag.queue() + "/" + tag.partition() + "/" + tag.offset())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private Map<String, String> systemAttributes(SqsQueue queue, QueueDelivery delivery, Set<String> asked) {
        Map<String, String> out = new LinkedHashMap<>();
        if (asked.isEmpty()) {
            return out;
        }
        boolean all = asked.contains("All");
        Message message = delivery.message();
        MessageProperties properties = message.properties();
        put(out, all, asked, "SenderId", directory.urls().accountId());
        put(out, all, asked, "SentTimestamp", Long.toString(delivery.publishTimestampMs()));
        put(out, all, asked, "ApproximateReceiveCount", Integer.toString(delivery.acquisitions()));
        put(out, all, asked, "ApproximateFirstReceiveTimestamp", Long.toString(delivery.firstAcquiredMs()));
        if (queue.fifo()) {
            put(out, all, asked, "SequenceNumber",
                    SendActions.sequenceNumber(delivery.tag().partition(), delivery.tag().offset()));
            put(out, all, asked, "MessageDeduplicationId", properties.deduplicationId());
        }
        put(out, all, asked, "MessageGroupId", properties.groupId());
        HeaderValue trace = message.unknownProperties().get(SendActions.TRACE_HEADER);
        put(out, all, asked, "AWSTraceHeader", trace == null ? null : trace.text());
        HeaderValue source = message.unknownProperties().get(DeadLetterHeaders.QUEUE);
        put(out, all, asked, "DeadLetterQueueSourceArn", source == null ? null : directory.urls().arn(source.text()));
        return out;
    }

    private static void put(Map<String, String> out, boolean all, Set<String> asked, String name, String value) {
        if (value != null && (all || asked.contains(name))) {
            out.put(name, value);
        }
    }

    /** The attributes {@code names} ask for: exact names, {@code All} or {@code .*}, or {@code prefix.*}. */
    static Map<String, MessageAttribute> selected(Map<String, MessageAttribute> attributes, List<String> names) {
        Map<String, MessageAttribute> out = new TreeMap<>();
        if (names.isEmpty()) {
            return out;
        }
        for (Map.Entry<String, MessageAttribute> e : attributes.entrySet()) {
            for (String name : names) {
                boolean match = name.equals("All") || name.equals(".*") || name.equals(e.getKey())
                        || name.endsWith(".*") && e.getKey().startsWith(name.substring(0, name.length() - 1));
                if (match) {
                    out.put(e.getKey(), e.getValue());
                    break;
                }
            }
        }
        return out;
    }
}
