package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.queue.QueueCounts;
import dev.trilog.routing.topology.TopologyException;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.sqs.queue.QueueAttributeRules;
import dev.trilog.sqs.queue.SqsQueue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queue actions: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue,
 * Get/SetQueueAttributes, ListDeadLetterSourceQueues. Changes to queues are serialized on this
 * object (they are rare and each is a durable metadata write).
 */
final class QueueActions {

    static final long RECREATE_AFTER_DELETE_MS = 60_000;
    static final long PURGE_INTERVAL_MS = 60_000;
    private static final int MAX_TAGS = 50;

    private final QueueDirectory directory;
    private final Map<String, Long> lastPurgeMillis = new ConcurrentHashMap<>();

    QueueActions(QueueDirectory directory) {
        this.directory = directory;
    }

    private static ObjectNode result() {
        return JsonNodeFactory.instance.objectNode();
    }

    synchronized ObjectNode createQueue(SqsRequest request) {
        SqsParams params = request.params();
        String name = params.requireString("QueueName");
        Map<String, String> tags = params.has("tags") ? params.stringMap("tags") : params.stringMap("Tags");
        createQueue(name, params.stringMap("Attributes"), tags);
        return result().put("QueueUrl", directory.urls().url(request.host(), name));
    }

    /**
     * CreateQueue without the request: creates the queue, or checks that the existing one has the
     * given attributes (SQS's idempotent create; tags of an existing queue are left as they are).
     * Start-up definitions create SQS queues here too.
     *
     * @throws SqsException as CreateQueue answers: an invalid name or attribute, QueueNameExists
     */
    synchronized void createQueue(String name, Map<String, String> given, Map<String, String> tags) {
        boolean fifo = "true".equals(given.get(QueueAttributeRules.FIFO_QUEUE));
        QueueAttributeRules.checkQueueName(name, fifo);
        checkTags(tags);
        QueueAttributeRules.Context context = directory.context(fifo);
        Map<String, String> normalized = QueueAttributeRules.normalize(given, context, true);
        Optional<SqsQueue> existing = directory.get(name);
        if (existing.isPresent()) {
            for (Map.Entry<String, String> e : normalized.entrySet()) {
                String current = existing.get().attribute(e.getKey());
                if (!e.getValue().equals(current == null ? "" : current)) {
                    throw new SqsException(SqsError.QUEUE_NAME_EXISTS, "A queue already exists with the same name"
                            + " and a different value for attribute " + e.getKey());
                }
            }
            return;
        }
        Optional<Long> deleted = directory.deletedAt(name);
        if (deleted.isPresent() && directory.clock().millis() - deleted.get() < RECREATE_AFTER_DELETE_MS) {
            throw new SqsException(SqsError.QUEUE_DELETED_RECENTLY, "You must wait 60 seconds after deleting a"
                    + " queue before you can create another with the same name.");
        }
        long now = directory.nowSeconds();
        Map<String, String> attributes = QueueAttributeRules.forNewQueue(given, context);
        attributes.values().removeIf(String::isEmpty);
        SqsQueue queue = new SqsQueue(name, attributes, tags, now, now);
        try {
            directory.create(queue);
        } catch (TopologyException e) {
            if (e.reason() == TopologyException.Reason.LIMIT_REACHED) {
                throw new SqsException(SqsError.OVER_LIMIT, e.getMessage());
            }
            // a queue of that name declared by another protocol, with other settings
            throw new SqsException(SqsError.QUEUE_NAME_EXISTS, "A queue already exists with the same name: "
                    + e.getMessage());
        }
    }

    ObjectNode getQueueUrl(SqsRequest request) {
        String name = request.params().requireString("QueueName");
        request.params().string("QueueOwnerAWSAccountId").ifPresent(owner -> {
            if (!owner.equals(directory.urls().accountId())) {
                throw SqsException.nonExistentQueue();
            }
        });
        if (directory.get(name).isEmpty()) {
            throw SqsException.nonExistentQueue();
        }
        return result().put("QueueUrl", directory.urls().url(request.host(), name));
    }

    ObjectNode listQueues(SqsRequest request) {
        SqsParams params = request.params();
        String prefix = params.string("QueueNamePrefix").orElse("");
        List<String> names = new ArrayList<>();
        for (SqsQueue queue : directory.all()) {
            if (queue.name().startsWith(prefix)) {
                names.add(queue.name());
            }
        }
        return page(request, names, "QueueUrls");
    }

    /** One page of queue URLs: all (at most 1000) without MaxResults, else MaxResults after NextToken. */
    private ObjectNode page(SqsRequest request, List<String> sortedNames, String member) {
        SqsParams params = request.params();
        Optional<Integer> maxResults = params.integer("MaxResults", 1, 1000);
        Optional<String> token = params.string("NextToken").filter(t -> !t.isEmpty());
        if (token.isPresent() && maxResults.isEmpty()) {
            throw SqsException.invalidValue("NextToken", token.get(), "NextToken requires MaxResults.");
        }
        int start = 0;
        if (token.isPresent()) {
            String after;
            try {
                after = new String(Base64.getUrlDecoder().decode(token.get()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw SqsException.invalidValue("NextToken", token.get(), "Invalid NextToken value.");
            }
            while (start < sortedNames.size() && sortedNames.get(start).compareTo(after) <= 0) {
                start++;
            }
        }
        int limit = maxResults.orElse(1000);
        int end = Math.min(sortedNames.size(), start + limit);
        ObjectNode result = result();
        ArrayNode urls = result.putArray(member);
        for (String name : sortedNames.subList(start, end)) {
            urls.add(directory.urls().url(request.host(), name));
        }
        if (maxResults.isPresent() && end < sortedNames.size()) {
            result.put("NextToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(sortedNames.get(end - 1).getBytes(StandardCharsets.UTF_8)));
        }
        return result;
    }

    synchronized ObjectNode deleteQueue(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        directory.delete(queue.name());
        return result();
    }

    CompletableFuture<ObjectNode> purgeQueue(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        long now = directory.clock().millis();
        Long last = lastPurgeMillis.get(queue.name());
        if (last != null && now - last < PURGE_INTERVAL_MS) {
            throw new SqsException(SqsError.PURGE_QUEUE_IN_PROGRESS, "Only one PurgeQueue operation on "
                    + queue.name() + " is allowed every 60 seconds.");
        }
        lastPurgeMillis.put(queue.name(), now);
        return directory.queues().purgeAll(queue.name()).thenApply(done -> result());
    }

    ObjectNode getQueueAttributes(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        List<String> asked = request.params().stringList("AttributeNames");
        Set<String> names = new LinkedHashSet<>();
        for (String name : asked) {
            if (name.equals("All")) {
                names.addAll(QueueAttributeRules.COMPUTED);
                names.addAll(queue.attributes().keySet());
            } else if (!QueueAttributeRules.isKnownName(name)
                    || QueueAttributeRules.isFifoOnly(name) && !queue.fifo()) {
                throw new SqsException(SqsError.INVALID_ATTRIBUTE_NAME, "Unknown Attribute " + name + ".");
            } else {
                names.add(name);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        QueueCounts counts = names.stream().anyMatch(n -> n.startsWith("Approximate"))
                ? directory.queues().counts(queue.name()) : null;
        for (String name : names) {
            String value = switch (name) {
                case "ApproximateNumberOfMessages" -> Long.toString(counts.available());
                case "ApproximateNumberOfMessagesNotVisible" -> Long.toString(counts.inFlight());
                case "ApproximateNumberOfMessagesDelayed" -> Long.toString(counts.delayed());
                case "CreatedTimestamp" -> Long.toString(queue.createdTimestamp());
                case "LastModifiedTimestamp" -> Long.toString(queue.lastModifiedTimestamp());
                case "QueueArn" -> directory.urls().arn(queue.name());
                default -> queue.attribute(name);
            };
            if (value != null) {
                values.put(name, value);
            }
        }
        ObjectNode result = result();
        if (!values.isEmpty()) {
            ObjectNode attributes = result.putObject("Attributes");
            values.forEach(attributes::put);
        }
        return result;
    }

    synchronized ObjectNode setQueueAttributes(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        Map<String, String> given = request.params().stringMap("Attributes");
        if (given.isEmpty()) {
            throw SqsException.missingParameter("Attribute.1.Name");
        }
        Map<String, String> changes = QueueAttributeRules.normalize(given, directory.context(queue.fifo()), false);
        try {
            directory.update(queue.withAttributes(changes, directory.nowSeconds()));
        } catch (TopologyException e) {
            throw new SqsException(SqsError.INVALID_ATTRIBUTE_VALUE, e.getMessage());
        }
        return result();
    }

    synchronized ObjectNode tagQueue(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        Map<String, String> given = request.params().stringMap("Tags");
        if (given.isEmpty()) {
            throw SqsException.missingParameter("Tags");
        }
        Map<String, String> tags = new LinkedHashMap<>(queue.tags());
        tags.putAll(given);
        checkTags(tags);
        directory.updateTagsOrPermissions(queue.withTags(tags));
        return result();
    }

    synchronized ObjectNode untagQueue(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        List<String> keys = request.params().stringList("TagKeys");
        if (keys.isEmpty()) {
            throw SqsException.missingParameter("TagKeys");
        }
        Map<String, String> tags = new LinkedHashMap<>(queue.tags());
        keys.forEach(tags::remove);
        directory.updateTagsOrPermissions(queue.withTags(tags));
        return result();
    }

    ObjectNode listQueueTags(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        ObjectNode result = result();
        if (!queue.tags().isEmpty()) {
            ObjectNode tags = result.putObject("Tags");
            new java.util.TreeMap<>(queue.tags()).forEach(tags::put);
        }
        return result;
    }

    private static void checkTags(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE,
                    "Too many tags added for queue. A queue can have at most " + MAX_TAGS + " tags.");
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().isEmpty() || tag.getKey().length() > 128 || tag.getValue().length() > 256) {
                throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Tag key " + tag.getKey()
                        + " is invalid: keys are 1 to 128 characters and values at most 256.");
            }
        }
    }

    ObjectNode listDeadLetterSourceQueues(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        String arn = directory.urls().arn(queue.name());
        List<String> sources = new ArrayList<>();
        for (SqsQueue candidate : directory.all()) {
            RedrivePolicy redrive = RedrivePolicy.of(candidate);
            if (redrive != null && redrive.deadLetterTargetArn().equals(arn)) {
                sources.add(candidate.name());
            }
        }
        return page(request, sources, "queueUrls");
    }
}
