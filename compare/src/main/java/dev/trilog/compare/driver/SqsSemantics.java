package dev.trilog.compare.driver;

import static dev.trilog.compare.driver.KafkaDriver.figures;

import dev.trilog.compare.scenario.ScenarioResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The semantics scenarios through aws-sdk-java-v2, each on its own standard queue. */
final class SqsSemantics implements SemanticsProbe {

    private final SqsDriver driver;
    private final SqsClient sqs;

    SqsSemantics(SqsDriver driver) {
        this.driver = driver;
        this.sqs = driver.sqsClient();
    }

    private String queue(String name, Map<QueueAttributeName, String> attributes) {
        return driver.createQueue(name, attributes);
    }

    private void send(String url, int from, int count) {
        for (int i = from; i < from + count; i += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int j = i; j < Math.min(from + count, i + 10); j++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + j).messageBody(Integer.toString(j)).build());
            }
            sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
        }
    }

    private List<Message> receive(String url, int max, int waitSeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
    }

    private void delete(String url, List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id("d" + i).receiptHandle(messages.get(i).receiptHandle()).build());
        }
        sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
    }

    @Override
    public ScenarioResult replay(String id) {
        long start = System.nanoTime();
        String url = queue(id + "-replay", Map.of());
        send(url, 0, 100);
        int consumed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (consumed < 100 && System.nanoTime() < deadline) {
            List<Message> batch = receive(url, 10, 1);
            consumed += batch.size();
            delete(url, batch);
        }
        int again = receive(url, 10, 2).size();
        sqs.deleteQueue(b -> b.queueUrl(url));
        return ScenarioResult.observed("replay", "sqs",
                "Received and deleted " + consumed + " messages; asking again returned " + again + ": a deleted message "
                        + "is gone, and SQS has no offset or timestamp to go back to.",
                figures("consumed", consumed, "reread", again), start);
    }

    @Override
    public ScenarioResult consumerKilled(String id) throws InterruptedException {
        long start = System.nanoTime();
        int visibility = 2;
        String url = queue(id + "-killed", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibility)));
        send(url, 0, 100);
        List<Message> firstBatch = receive(url, 10, 1);
        delete(url, firstBatch.subList(0, firstBatch.size() / 2));
        Set<String> seenByFirst = new HashSet<>();
        firstBatch.forEach(m -> seenByFirst.add(m.body()));
        long died = System.nanoTime();
        // the first consumer is gone without deleting the second half of its batch
        List<String> second = new ArrayList<>();
        long firstRedelivery = -1;
        int maxReceiveCount = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(visibility + 20L);
        Set<String> distinct = new HashSet<>();
        while (distinct.size() < 100 - firstBatch.size() / 2 && System.nanoTime() < deadline) {
            List<Message> batch = receive(url, 10, 1);
            for (Message m : batch) {
                if (seenByFirst.contains(m.body()) && firstRedelivery < 0) {
                    firstRedelivery = (System.nanoTime() - died) / 1_000_000;
                }
                maxReceiveCount = Math.max(maxReceiveCount,
                        Integer.parseInt(m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1")));
                second.add(m.body());
                distinct.add(m.body());
            }
            delete(url, batch);
        }
        long duplicates = second.stream().filter(seenByFirst::contains).count();
        Set<String> all = new HashSet<>(seenByFirst);
        all.addAll(second);
        sqs.deleteQueue(b -> b.queueUrl(url));
        return ScenarioResult.observed("consumer-killed", "sqs",
                "The first consumer received " + firstBatch.size() + ", deleted " + firstBatch.size() / 2 + " and stopped; "
                        + "the rest of the queue went to its successor at once, and the " + (firstBatch.size() - firstBatch.size() / 2)
                        + " undeleted ones came back after the " + visibility + " s visibility timeout (" + firstRedelivery
                        + " ms, ApproximateReceiveCount " + maxReceiveCount + "): " + duplicates + " seen twice, "
                        + (100 - all.size()) + " lost.",
                figures("seenByFirst", firstBatch.size(), "deletedByFirst", firstBatch.size() / 2,
                        "deliveredToSuccessor", second.size(), "duplicates", duplicates, "lost", 100 - all.size(),
                        "msUntilRedelivery", firstRedelivery, "visibilityTimeoutSeconds", visibility,
                        "maxApproximateReceiveCount", maxReceiveCount), start);
    }

    @Override
    public ScenarioResult ordering(String id) throws InterruptedException {
        long start = System.nanoTime();
        String url = queue(id + "-order", Map.of());
        int count = 1000;
        send(url, 0, count);
        ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        int[] perConsumer = new int[2];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            int index = c;
            Thread thread = new Thread(() -> {
                while (!done.get()) {
                    List<Message> batch = receive(url, 10, 1);
                    for (Message m : batch) {
                        arrivals.add(new long[] {System.nanoTime(), Long.parseLong(m.body()), index});
                        perConsumer[index]++;
                    }
                    delete(url, batch);
                }
            }, "compare-order-" + c);
            threads.add(thread);
            thread.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (arrivals.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        done.set(true);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        Ordering order = Ordering.of(new ArrayList<>(arrivals));
        sqs.deleteQueue(b -> b.queueUrl(url));
        return ScenarioResult.observed("ordering", "sqs",
                "1 standard queue, 2 consumers receiving batches of 10 concurrently: " + order.describe(count)
                        + " Both consumers share the queue; a standard queue promises no order (FIFO queues order per MessageGroupId).",
                figures("sent", count, "received", order.received(), "outOfOrder", order.inversions(),
                        "consumer0", perConsumer[0], "consumer1", perConsumer[1]), start);
    }

    @Override
    public ScenarioResult poisonMessage(String id) throws InterruptedException {
        long start = System.nanoTime();
        String dlq = queue(id + "-dlq", Map.of());
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        int maxReceiveCount = 3;
        String url = queue(id + "-poison", Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}"));
        send(url, 0, 3); // message "1" is the poison
        int attempts = 0;
        int processed = 0;
        List<Message> deadLettered = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (deadLettered.isEmpty() && System.nanoTime() < deadline) {
            List<Message> batch = receive(url, 10, 1);
            List<Message> good = new ArrayList<>();
            for (Message m : batch) {
                if (m.body().equals("1")) {
                    attempts++;
                    // fail it: make it visible again at once (as a nack)
                    sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
                } else {
                    good.add(m);
                }
            }
            processed += good.size();
            delete(url, good);
            if (batch.isEmpty()) {
                deadLettered = receive(dlq, 10, 0);
            }
        }
        String observed = deadLettered.isEmpty()
                ? "The poison message was received " + attempts + " times and did not reach the dead-letter queue within 30 s."
                : "The poison message was received " + attempts + " times (maxReceiveCount " + maxReceiveCount
                        + "), then moved to the dead-letter queue; the " + processed
                        + " other message(s) were processed meanwhile, never blocked behind it.";
        sqs.deleteQueue(b -> b.queueUrl(url));
        sqs.deleteQueue(b -> b.queueUrl(dlq));
        return ScenarioResult.observed("poison-message", "sqs", observed,
                figures("attempts", attempts, "maxReceiveCount", maxReceiveCount, "processedOthers", processed,
                        "deadLettered", !deadLettered.isEmpty()), start);
    }
}
