package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Kafka share groups (KIP-932) with kafka-clients' own {@link KafkaShareConsumer}: records split
 * between members, each acknowledgement type, lock expiry and the delivery limit, state that
 * survives a restart, a queue shared with SQS and AMQP consumers, and the admin's view of the group.
 */
class ShareConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    TrilogHarness trilog;
    final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        // short locks and a low delivery limit so that expiry and archiving happen within a test
        trilog = TrilogHarness.start(dataDir, "group.share.record.lock.duration.ms", "3000",
                "group.share.delivery.count.limit", "3", "group.share.heartbeat.interval.ms", "500");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        trilog.close();
    }

    @Test
    void twoShareConsumersSplitATopicWithoutDuplicates() throws Exception {
        createTopic("split", 3);
        produce("split", 200);
        Map<String, String> seenBy = new ConcurrentHashMap<>();
        List<String> duplicates = java.util.Collections.synchronizedList(new ArrayList<>());
        KafkaShareConsumer<String, String> a = shareConsumer("splitters", "implicit");
        KafkaShareConsumer<String, String> b = shareConsumer("splitters", "implicit");
        a.subscribe(List.of("split"));
        b.subscribe(List.of("split"));
        await().atMost(WAIT).until(() -> {
            for (var entry : Map.of("a", a, "b", b).entrySet()) {
                for (ConsumerRecord<String, String> r : entry.getValue().poll(Duration.ofMillis(200))) {
                    if (seenBy.putIfAbsent(r.value(), entry.getKey()) != null) {
                        duplicates.add(r.value());
                    }
                }
            }
            return seenBy.size() == 200;
        });
        // implicit acknowledgement happens on the next poll: give both one more, then nothing is left
        a.poll(Duration.ofMillis(200));
        b.poll(Duration.ofMillis(200));
        assertThat(duplicates).isEmpty();
        assertThat(drain(a, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void acceptReleaseAndRejectSettleEachRecordTheirWay() throws Exception {
        createTopic("explicit", 1);
        produce("explicit", 3);
        KafkaShareConsumer<String, String> consumer = shareConsumer("explicit-group", "explicit");
        consumer.subscribe(List.of("explicit"));
        List<ConsumerRecord<String, String>> got = pollUntil(consumer, 3);
        assertThat(got).extracting(ConsumerRecord::value).containsExactly("m0", "m1", "m2");
        assertThat(got).allSatisfy(r -> assertThat(r.deliveryCount()).contains((short) 1));
        consumer.acknowledge(got.get(0), AcknowledgeType.ACCEPT);
        consumer.acknowledge(got.get(1), AcknowledgeType.RELEASE);
        consumer.acknowledge(got.get(2), AcknowledgeType.REJECT);
        assertThat(consumer.commitSync(WAIT).values()).allSatisfy(error -> assertThat(error).isEmpty());

        List<ConsumerRecord<String, String>> again = pollUntil(consumer, 1);
        assertThat(again).extracting(ConsumerRecord::value).containsExactly("m1");
        assertThat(again.get(0).deliveryCount()).contains((short) 2);
        consumer.acknowledge(again.get(0), AcknowledgeType.ACCEPT);
        consumer.commitSync(WAIT);
        assertThat(drain(consumer, Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void anExpiredLockRedeliversWithTheNextDeliveryCountAndTheLimitArchives() throws Exception {
        createTopic("locks", 1);
        produce("locks", 1);
        KafkaShareConsumer<String, String> holder = shareConsumer("lock-group", "explicit");
        holder.subscribe(List.of("locks"));
        assertThat(pollUntil(holder, 1).get(0).deliveryCount()).contains((short) 1);
        // the holder never acknowledges and polls no more: its 3 s lock runs out
        KafkaShareConsumer<String, String> other = shareConsumer("lock-group", "explicit");
        other.subscribe(List.of("locks"));
        ConsumerRecord<String, String> second = pollUntil(other, 1).get(0);
        assertThat(second.value()).isEqualTo("m0");
        assertThat(second.deliveryCount()).contains((short) 2);
        other.acknowledge(second, AcknowledgeType.RELEASE);
        other.commitSync(WAIT);
        ConsumerRecord<String, String> third = pollUntil(other, 1).get(0);
        assertThat(third.deliveryCount()).contains((short) 3);
        other.acknowledge(third, AcknowledgeType.RELEASE);
        other.commitSync(WAIT);
        // the third delivery was the last (group.share.delivery.count.limit = 3): archived
        assertThat(drain(other, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void partlyAcquiredBatchesGiveExactlyTheAcquiredRecords() throws Exception {
        createTopic("batched", 1);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 60_000, ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20))) {
            for (int batch = 0; batch < 6; batch++) { // six batches of five records: m0–m4, m5–m9, …
                for (int i = batch * 5; i < batch * 5 + 5; i++) {
                    producer.send(new ProducerRecord<>("batched", "m" + i));
                }
                producer.flush();
            }
        }
        // record_limit: at most max.poll.records acquired (batch_optimized, the default, rounds up to a batch's end)
        KafkaShareConsumer<String, String> four = shareConsumer(trilog.kafkaBootstrap(), "batched-group", "explicit",
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4, ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit"));
        clients.add(four);
        four.subscribe(List.of("batched"));

        // four of the first batch's five: the batch goes whole, the client keeps the four
        List<ConsumerRecord<String, String>> first = pollUntil(four, 4);
        assertThat(valuesAndCounts(first)).containsExactly("m0/1", "m1/1", "m2/1", "m3/1");
        four.acknowledge(first.get(0), AcknowledgeType.ACCEPT);
        four.acknowledge(first.get(1), AcknowledgeType.RELEASE);
        four.acknowledge(first.get(2), AcknowledgeType.ACCEPT);
        four.acknowledge(first.get(3), AcknowledgeType.RELEASE);
        four.commitSync(WAIT);

        // m1 and m3 again, m4 (the first batch's last), m5 (the second's first): gaps in one batch, two batches
        List<ConsumerRecord<String, String>> second = pollUntil(four, 4);
        assertThat(valuesAndCounts(second)).containsExactly("m1/2", "m3/2", "m4/1", "m5/1");
        second.forEach(r -> four.acknowledge(r, AcknowledgeType.ACCEPT));
        four.commitSync(WAIT);

        // another member takes the rest, from the middle of the second batch on, each record once
        KafkaShareConsumer<String, String> rest = shareConsumer("batched-group", "implicit");
        rest.subscribe(List.of("batched"));
        List<ConsumerRecord<String, String>> remaining = pollUntil(rest, 24);
        List<String> expected = new ArrayList<>();
        for (int i = 6; i < 30; i++) {
            expected.add("m" + i + "/1");
        }
        assertThat(valuesAndCounts(remaining)).containsExactlyInAnyOrderElementsOf(expected);
        rest.poll(Duration.ofMillis(200)); // acknowledges them
        assertThat(drain(rest, Duration.ofSeconds(3))).isEmpty();
    }

    /**
     * The default acquire mode, batch_optimized: a fetch may acquire past max.poll.records to the
     * end of the batch it stops in (Kafka's MaxRecords "can be exceeded for alignment of batch
     * boundaries"), and the poll gives all of them; another member then starts at the next batch.
     */
    @Test
    void batchOptimizedFetchesAcquireToTheEndOfABatch() throws Exception {
        createTopic("aligned", 1);
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 60_000, ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20))) {
            for (int batch = 0; batch < 2; batch++) { // two batches of five records: m0–m4, m5–m9
                for (int i = batch * 5; i < batch * 5 + 5; i++) {
                    producer.send(new ProducerRecord<>("aligned", "m" + i));
                }
                producer.flush();
            }
        }
        KafkaShareConsumer<String, String> four = shareConsumer(trilog.kafkaBootstrap(), "aligned-group", "explicit",
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4));
        clients.add(four);
        four.subscribe(List.of("aligned"));

        List<ConsumerRecord<String, String>> first = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            four.poll(Duration.ofMillis(200)).forEach(first::add);
            return !first.isEmpty();
        });
        // one poll, five records: the whole first batch, past max.poll.records
        assertThat(valuesAndCounts(first)).containsExactly("m0/1", "m1/1", "m2/1", "m3/1", "m4/1");
        first.forEach(r -> four.acknowledge(r, AcknowledgeType.ACCEPT));
        four.commitSync(WAIT);

        KafkaShareConsumer<String, String> other = shareConsumer("aligned-group", "explicit");
        other.subscribe(List.of("aligned"));
        List<ConsumerRecord<String, String>> rest = pollUntil(other, 5);
        assertThat(valuesAndCounts(rest)).containsExactly("m5/1", "m6/1", "m7/1", "m8/1", "m9/1");
    }

    private static List<String> valuesAndCounts(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> r.value() + "/" + r.deliveryCount().orElse((short) -1)).toList();
    }

    @Test
    void acknowledgedRecordsStayAcknowledgedAcrossARestart() throws Exception {
        createTopic("durable", 1);
        produce("durable", 4);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer("durable-group", "explicit")) {
            consumer.subscribe(List.of("durable"));
            List<ConsumerRecord<String, String>> got = pollUntil(consumer, 4);
            consumer.acknowledge(got.get(0), AcknowledgeType.ACCEPT);
            consumer.acknowledge(got.get(1), AcknowledgeType.ACCEPT);
            consumer.acknowledge(got.get(2), AcknowledgeType.RELEASE);
            consumer.acknowledge(got.get(3), AcknowledgeType.RELEASE);
            consumer.commitSync(WAIT);
            clients.remove(consumer);
        }
        trilog.restart();
        KafkaShareConsumer<String, String> after = shareConsumer("durable-group", "explicit");
        after.subscribe(List.of("durable"));
        List<ConsumerRecord<String, String>> left = pollUntil(after, 2);
        assertThat(left).extracting(ConsumerRecord::value).containsExactly("m2", "m3");
        assertThat(left).allSatisfy(r -> assertThat(r.deliveryCount()).contains((short) 2));
    }

    @Test
    void aShareConsumerAndAnSqsConsumerShareOneQueue() throws Exception {
        try (SqsClient sqs = SqsClients.sync(trilog)) {
            String url = sqs.createQueue(b -> b.queueName("orders")).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("from sqs"));
            KafkaShareConsumer<String, String> consumer = shareConsumer("orders", "explicit");
            consumer.subscribe(List.of("orders"));
            ConsumerRecord<String, String> got = pollUntil(consumer, 1).get(0);
            assertThat(got.value()).isEqualTo("from sqs");
            // held by the share consumer: the SQS consumer of the queue does not get it meanwhile
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages()).isEmpty();
            consumer.acknowledge(got, AcknowledgeType.ACCEPT);
            consumer.commitSync(WAIT);

            // the other way round: a Kafka producer's record to the queue, taken by SQS, is not shared
            produce("orders", 1);
            List<Message> bySqs = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                bySqs.addAll(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages());
                return !bySqs.isEmpty();
            });
            assertThat(bySqs.get(0).body()).isEqualTo("m0");
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(bySqs.get(0).receiptHandle()));
            assertThat(drain(consumer, Duration.ofSeconds(3))).isEmpty();
            assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("All")).attributesAsStrings())
                    .containsEntry("ApproximateNumberOfMessages", "0")
                    .containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
        }
    }

    @Test
    void aShareConsumerAndAnAmqpReceiverShareOneQueue() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory(trilog.amqpUri());
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("jobs"); // a bare name: the queue, declared on first use
            session.createProducer(queue).send(session.createTextMessage("from amqp"));

            KafkaShareConsumer<String, String> consumer = shareConsumer("jobs", "explicit");
            consumer.subscribe(List.of("jobs"));
            ConsumerRecord<String, String> got = pollUntil(consumer, 1).get(0);
            assertThat(got.value()).isEqualTo("from amqp");
            consumer.acknowledge(got, AcknowledgeType.ACCEPT);
            consumer.commitSync(WAIT);

            // the other way round: a Kafka producer's record, taken by the AMQP receiver, is not shared
            MessageConsumer receiver = session.createConsumer(queue);
            produce("jobs", 1);
            jakarta.jms.Message received = receiver.receive(WAIT.toMillis());
            assertThat(received).isNotNull();
            assertThat(drain(consumer, Duration.ofSeconds(3))).isEmpty();
            assertThat(receiver.receive(500)).as("the share consumer's message is not delivered again").isNull();
        }
    }

    @Test
    void theAdminDescribesAndListsShareGroupsAndTheirStartOffsets() throws Exception {
        createTopic("described", 2);
        produce("described", 4);
        KafkaShareConsumer<String, String> consumer = shareConsumer("described-group", "implicit");
        consumer.subscribe(List.of("described"));
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            // GROUP_ID_NOT_FOUND until the consumer's first heartbeat has reached the broker
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                consumer.poll(Duration.ofMillis(100));
                ShareGroupDescription d = admin.describeShareGroups(List.of("described-group")).all().get()
                        .get("described-group");
                return d.members().size() == 1 && d.members().iterator().next().assignment().topicPartitions()
                        .size() == 2;
            });
            ShareGroupDescription d = admin.describeShareGroups(List.of("described-group")).all().get()
                    .get("described-group");
            assertThat(d.groupState().toString()).isEqualTo("Stable");
            assertThat(d.members().iterator().next().clientId()).isNotEmpty();
            List<GroupListing> shareGroups = new ArrayList<>(admin.listGroups(ListGroupsOptions.forShareGroups())
                    .all().get());
            assertThat(shareGroups).extracting(GroupListing::groupId).contains("described-group");
            assertThat(shareGroups).allSatisfy(g -> assertThat(g.type()).contains(GroupType.SHARE));

            // implicit mode acknowledges on the next poll: the start offsets move past all four records
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(
                        Map.of("described-group", new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(
                        "described-group").get();
                return offsets.size() == 2
                        && offsets.values().stream().mapToLong(SharePartitionOffsetInfo::startOffset).sum() == 4;
            });
        }
    }

    // ---------------------------------------------------------------- helpers

    private KafkaShareConsumer<String, String> shareConsumer(String group, String mode) {
        KafkaShareConsumer<String, String> consumer = shareConsumer(trilog.kafkaBootstrap(), group, mode);
        clients.add(consumer);
        return consumer;
    }

    /** A share consumer of {@code group} with string keys and values, acknowledging in {@code mode}. */
    static KafkaShareConsumer<String, String> shareConsumer(String bootstrap, String group, String mode) {
        return shareConsumer(bootstrap, group, mode, Map.of());
    }

    static KafkaShareConsumer<String, String> shareConsumer(String bootstrap, String group, String mode,
            Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, mode);
        return new KafkaShareConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private void produce(String topic, int count) throws Exception {
        produce(trilog.kafkaBootstrap(), topic, count);
    }

    /** {@code count} records m0, m1, … to {@code topic}, each acknowledged before the next. */
    static void produce(String bootstrap, String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "m" + i)).get();
            }
        }
    }

    /** Polls until {@code count} records came, in the order they came. */
    static List<ConsumerRecord<String, String>> pollUntil(KafkaShareConsumer<String, String> consumer,
            int count) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            return got.size() >= count;
        });
        assertThat(got).hasSize(count);
        return got;
    }

    /** What polls bring for {@code quiet}; acknowledges nothing in explicit mode. */
    static Set<String> drain(KafkaShareConsumer<String, String> consumer, Duration quiet) {
        Set<String> got = new java.util.HashSet<>();
        long end = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < end) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
        }
        return got;
    }
}
