package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.queue.DeadLetterHeaders;
import dev.trilog.routing.queue.PublishOptions;
import dev.trilog.routing.queue.QueueDelivery;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.sqs.queue.SqsQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask: redrive from a dead-letter
 * queue, built from the queue facade's own operations — take a message from the dead-letter
 * queue, publish it to the destination (the given one, or the queue it was dead-lettered from,
 * which the dead-letter headers name), then acknowledge it; so a crash in between duplicates a
 * message rather than losing it. One task per source queue at a time, as SQS allows; tasks run on
 * one background thread and are not resumed after a restart.
 */
final class MessageMoveTasks {

    static final String CONSUMER = "sqs-message-move-task";
    private static final long LOCK_MS = 60_000;

    private final QueueDirectory directory;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "trilog-sqs-message-move");
        thread.setDaemon(true);
        return thread;
    });

    MessageMoveTasks(QueueDirectory directory) {
        this.directory = directory;
    }

    private enum Status { RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED }

    private static final class Task {
        final String handle = UUID.randomUUID().toString();
        final String sourceArn;
        final String destinationArn;
        final Integer maxPerSecond;
        final long toMove;
        final long startedMillis;
        final AtomicLong moved = new AtomicLong();
        volatile Status status = Status.RUNNING;
        volatile String failure;

        Task(String sourceArn, String destinationArn, Integer maxPerSecond, long toMove, long startedMillis) {
            this.sourceArn = sourceArn;
            this.destinationArn = destinationArn;
            this.maxPerSecond = maxPerSecond;
            this.toMove = toMove;
            this.startedMillis = startedMillis;
        }
    }

    synchronized ObjectNode start(SqsRequest request) {
        SqsParams params = request.params();
        String sourceArn = params.requireString("SourceArn");
        SqsQueue source = queueOfArn(sourceArn, "SourceArn");
        boolean isDeadLetterQueue = directory.all().stream().map(RedrivePolicy::of)
                .anyMatch(p -> p != null && p.deadLetterTargetArn().equals(sourceArn));
        if (!isDeadLetterQueue) {
            throw SqsException.invalidValue("SourceArn", sourceArn, "Source queue must be configured as a Dead"
                    + " Letter Queue.");
        }
        String destinationArn = params.string("DestinationArn").orElse(null);
        if (destinationArn != null) {
            queueOfArn(destinationArn, "DestinationArn");
        }
        Integer maxPerSecond = params.integer("MaxNumberOfMessagesPerSecond", 1, 500).orElse(null);
        if (tasks.values().stream().anyMatch(t -> t.sourceArn.equals(sourceArn) && t.status == Status.RUNNING)) {
            throw SqsException.invalidValue("SourceArn", sourceArn, "There is already a task running. Only one"
                    + " active task is allowed for each source queue arn at a given time.");
        }
        Task task = new Task(sourceArn, destinationArn, maxPerSecond,
                directory.queues().counts(source.name()).available(), directory.clock().millis());
        tasks.put(task.handle, task);
        runner.execute(() -> run(task, source.name()));
        return JsonNodeFactory.instance.objectNode().put("TaskHandle", task.handle);
    }

    private SqsQueue queueOfArn(String arn, String parameter) {
        String name = directory.urls().queueNameOfArn(arn);
        return (name == null ? java.util.Optional.<SqsQueue>empty() : directory.get(name))
                .orElseThrow(() -> new SqsException(SqsError.RESOURCE_NOT_FOUND,
                        "The resource that you specified for the " + parameter + " parameter doesn't exist."));
    }

    private void run(Task task, String source) {
        try {
            while (task.status == Status.RUNNING && task.moved.get() < task.toMove) {
                List<QueueDelivery> batch = directory.queues().receive(source, CONSUMER, 10, LOCK_MS);
                if (batch.isEmpty()) {
                    break;
                }
                for (QueueDelivery delivery : batch) {
                    String destination = destination(task, delivery.message());
                    if (destination == null) {
                        directory.queues().release(delivery.tag());
                        throw new IllegalStateException("a message in the dead-letter queue does not name the"
                                + " queue it came from; give DestinationArn");
                    }
                    directory.queues().publish(destination, redriven(delivery.message()), new PublishOptions(0, null, null))
                            .join();
                    directory.queues().acknowledge(delivery.tag()).join();
                    task.moved.incrementAndGet();
                }
            }
            task.status = task.status == Status.CANCELLING ? Status.CANCELLED : Status.COMPLETED;
        } catch (RuntimeException e) {
            task.failure = e.getMessage();
            task.status = Status.FAILED;
        }
    }

    private String destination(Task task, Message message) {
        if (task.destinationArn != null) {
            return directory.nameOfArn(task.destinationArn);
        }
        HeaderValue origin = message.unknownProperties().get(DeadLetterHeaders.QUEUE);
        return origin == null ? null : origin.text();
    }

    /** The message as it goes back: its deduplication id dropped, so the window does not swallow it. */
    private static Message redriven(Message message) {
        return message.toBuilder().properties(message.properties().toBuilder().deduplicationId(null).build()).build();
    }

    ObjectNode list(SqsRequest request) {
        String sourceArn = request.params().requireString("SourceArn");
        queueOfArn(sourceArn, "SourceArn");
        int max = request.params().integer("MaxResults", 1, 10).orElse(1);
        List<Task> matching = new ArrayList<>();
        for (Task task : tasks.values()) {
            if (task.sourceArn.equals(sourceArn)) {
                matching.add(task);
            }
        }
        matching.sort((a, b) -> Long.compare(b.startedMillis, a.startedMillis));
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        ArrayNode results = result.putArray("Results");
        for (Task task : matching.subList(0, Math.min(max, matching.size()))) {
            ObjectNode entry = results.addObject();
            if (task.status == Status.RUNNING) {
                entry.put("TaskHandle", task.handle);
            }
            entry.put("Status", task.status.name());
            entry.put("SourceArn", task.sourceArn);
            if (task.destinationArn != null) {
                entry.put("DestinationArn", task.destinationArn);
            }
            if (task.maxPerSecond != null) {
                entry.put("MaxNumberOfMessagesPerSecond", task.maxPerSecond);
            }
            entry.put("ApproximateNumberOfMessagesMoved", task.moved.get());
            entry.put("ApproximateNumberOfMessagesToMove", task.toMove);
            if (task.failure != null) {
                entry.put("FailureReason", task.failure);
            }
            entry.put("StartedTimestamp", task.startedMillis);
        }
        return result;
    }

    ObjectNode cancel(SqsRequest request) {
        String handle = request.params().requireString("TaskHandle");
        Task task = tasks.get(handle);
        if (task == null || task.status != Status.RUNNING) {
            throw new SqsException(SqsError.RESOURCE_NOT_FOUND, "Task does not exist.");
        }
        task.status = Status.CANCELLING;
        return JsonNodeFactory.instance.objectNode().put("ApproximateNumberOfMessagesMoved", task.moved.get());
    }

    void close() {
        tasks.values().forEach(t -> {
            if (t.status == Status.RUNNING) {
                t.status = Status.CANCELLING;
            }
        });
        runner.shutdownNow();
    }
}
