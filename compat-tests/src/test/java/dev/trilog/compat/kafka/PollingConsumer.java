package dev.trilog.compat.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A real group consumer running its poll loop on its own thread, as an application would:
 * each batch is "processed" (remembered) and then committed with commitSync for exactly the
 * batch's offsets; only batches whose commit succeeded count as committed. The test thread
 * reads what happened through thread-safe snapshots.
 */
final class PollingConsumer implements AutoCloseable {

    private final String name;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final List<ConsumerRecord<String, String>> consumed = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<String, String>> committed = new CopyOnWriteArrayList<>();
    private final AtomicInteger assignedCallbacks = new AtomicInteger();
    private final AtomicInteger lostCallbacks = new AtomicInteger();
    private final AtomicInteger failedCommits = new AtomicInteger();
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile int generation = -1;
    private volatile String memberId = "";
    private volatile boolean running = true;
    private volatile CloseOptions closeOptions = CloseOptions.timeout(Duration.ofSeconds(5));
    private volatile Throwable failure;
    /** Commits what was consumed in onPartitionsRevoked, as an application of the KIP-848 protocol would. */
    private volatile boolean commitOnRevoke;

    private PollingConsumer(String name, String bootstrap, String topic, Map<String, Object> config) {
        this.name = name;
        this.consumer = KafkaClients.consumer(bootstrap, config);
        this.thread = new Thread(() -> run(topic), "consumer-" + name);
        thread.setDaemon(true);
    }

    /** Starts a consumer in group {@code group} subscribed to {@code topic}. */
    static PollingConsumer start(String name, String bootstrap, String group, String topic, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(KafkaClients.groupDefaults(group));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        config.putAll(overrides);
        PollingConsumer polling = new PollingConsumer(name, bootstrap, topic, config);
        polling.thread.start();
        return polling;
    }

    /**
     * Starts a consumer of the KIP-848 protocol ({@code group.protocol=consumer}) in group
     * {@code group}: the broker assigns, so no assignor, session timeout or heartbeat interval is
     * set (the client refuses them); it commits in its revocation callback.
     */
    static PollingConsumer startConsumerProtocol(String name, String bootstrap, String group, String topic,
            Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        config.putAll(overrides);
        PollingConsumer polling = new PollingConsumer(name, bootstrap, topic, config);
        polling.commitOnRevoke = true;
        polling.thread.start();
        return polling;
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (commitOnRevoke && !partitions.isEmpty()) {
                        consumer.commitSync(); // what was consumed of them: their next owner starts there
                    }
                    forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // the generation first: a test that sees the new assignment must see its generation
                    // too (poll() returns, and the loop below reads it, only after this callback)
                    generation = consumer.groupMetadata().generationId();
                    memberId = consumer.groupMetadata().memberId();
                    Set<TopicPartition> all = new java.util.HashSet<>(assignment);
                    all.addAll(partitions);
                    assignment = Set.copyOf(all);
                    assignedCallbacks.incrementAndGet();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    lostCallbacks.incrementAndGet();
                    forget(partitions); // no commit: they are someone else's already
                }
            });
            while (running) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                generation = consumer.groupMetadata().generationId();
                memberId = consumer.groupMetadata().memberId();
                if (records.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, String>> batch = new ArrayList<>();
                records.forEach(batch::add);
                consumed.addAll(batch);
                try {
                    consumer.commitSync(nextOffsets(batch));
                    committed.addAll(batch);
                } catch (org.apache.kafka.clients.consumer.CommitFailedException
                         | org.apache.kafka.common.errors.RebalanceInProgressException e) {
                    failedCommits.incrementAndGet(); // the next owner reads these again from the committed offset
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (Throwable e) {
            failure = e;
        } finally {
            consumer.close(closeOptions);
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        Set<TopicPartition> remaining = new java.util.HashSet<>(assignment);
        remaining.removeAll(partitions);
        assignment = Set.copyOf(remaining);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, String>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> record : batch) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    String name() {
        return name;
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    int generation() {
        return generation;
    }

    String memberId() {
        return memberId;
    }

    int assignedCallbacks() {
        return assignedCallbacks.get();
    }

    int lostCallbacks() {
        return lostCallbacks.get();
    }

    List<ConsumerRecord<String, String>> consumed() {
        return List.copyOf(consumed);
    }

    List<ConsumerRecord<String, String>> committed() {
        return List.copyOf(committed);
    }

    /** The error that ended the poll loop, if one did. */
    Throwable failure() {
        return failure;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops like a crashed process would look to the group: no LeaveGroup, heartbeats just stop. */
    void stopWithoutLeaving() {
        closeOptions = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ofSeconds(5));
        close();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
