package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactional producers and read_committed consumers of kafka-clients against Trilog. */
class TransactionsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Map<String, Object> READ_COMMITTED = Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    private static final Map<String, Object> READ_UNCOMMITTED = Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");

    @TempDir
    java.nio.file.Path dataDir;

    private TrilogHarness trilog;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        trilog.close();
    }

    private KafkaProducer<String, String> transactional(String id, Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.LINGER_MS_CONFIG, 0));
        settings.putAll(overrides);
        KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), settings);
        clients.add(() -> producer.close(Duration.ZERO));
        producer.initTransactions();
        return producer;
    }

    private void createTopics(String... names) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, 1, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
    }

    /**
     * Every value a consumer with {@code isolation} reads from the start of {@code topic} up to
     * its end offset (for read_committed: the last stable offset), as Kafka defines "the end".
     */
    private List<String> readToEnd(String topic, Map<String, Object> isolation) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), isolation)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            assertThat(consumer.position(tp)).as("position of %s", topic).isGreaterThanOrEqualTo(end);
            return values;
        }
    }

    @Test
    void committedTransactionsAreVisibleToReadCommittedAndAbortedOnesNever() throws Exception {
        createTopics("txn-out");
        KafkaProducer<String, String> producer = transactional("tx-visibility", Map.of());
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("txn-out", "c1"));
        producer.send(new ProducerRecord<>("txn-out", "c2"));
        producer.commitTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("txn-out", "a1"));
        producer.send(new ProducerRecord<>("txn-out", "a2"));
        producer.flush();
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("txn-out", "c3"));
        producer.commitTransaction();

        assertThat(readToEnd("txn-out", READ_COMMITTED)).containsExactly("c1", "c2", "c3");
        assertThat(readToEnd("txn-out", READ_UNCOMMITTED)).containsExactly("c1", "c2", "a1", "a2", "c3");
    }

    @Test
    void aLongOpenTransactionHoldsReadCommittedConsumersAtTheLastStableOffset() throws Exception {
        createTopics("txn-held");
        KafkaProducer<String, String> open = transactional("tx-open", Map.of());
        open.beginTransaction();
        open.send(new ProducerRecord<>("txn-held", "inside"));
        open.flush();
        try (KafkaProducer<String, String> plain = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            plain.send(new ProducerRecord<>("txn-held", "after")).get();
        }
        TopicPartition tp = new TopicPartition("txn-held", 0);
        try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), READ_COMMITTED)) {
            consumer.assign(List.of(tp));
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 0L);
            consumer.seekToBeginning(List.of(tp));
            assertThat(consumer.poll(Duration.ofSeconds(1)).isEmpty()).isTrue();
            assertThat(consumer.position(tp)).isZero();

            open.commitTransaction();

            List<String> values = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                return values.size() >= 2;
            });
            assertThat(values).containsExactly("inside", "after");
        }
        assertThat(readToEnd("txn-held", READ_UNCOMMITTED)).containsExactly("inside", "after");
    }

    @Test
    void consumeTransformProduceCommitsOutputAndInputOffsetsAtomicallyAndARestartMidTransactionLeavesNeither()
            throws Exception {
        createTopics("ctp-in", "ctp-out");
        try (KafkaProducer<String, String> plain = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                plain.send(new ProducerRecord<>("ctp-in", "k" + i, "v" + i));
            }
        }
        Map<String, Object> group = new HashMap<>(KafkaClients.groupDefaults("ctp"));
        group.putAll(READ_COMMITTED);
        KafkaConsumer<String, String> consumer = KafkaClients.consumer(trilog.kafkaBootstrap(), group);
        clients.add(consumer);
        consumer.subscribe(List.of("ctp-in"));
        KafkaProducer<String, String> producer = transactional("ctp-app", Map.of());

        int transformed = 0;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (transformed < 10 && System.nanoTime() < deadline) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
            if (records.isEmpty()) {
                continue;
            }
            producer.beginTransaction();
            for (ConsumerRecord<String, String> record : records) {
                producer.send(new ProducerRecord<>("ctp-out", record.key(), record.value().toUpperCase()));
                transformed++;
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            producer.commitTransaction();
        }
        assertThat(readToEnd("ctp-out", READ_COMMITTED)).hasSize(10).allMatch(v -> v.startsWith("V"));
        assertThat(committedOffset("ctp", "ctp-in")).isEqualTo(10);

        // a second round that never commits: the gateway restarts in the middle of it
        try (KafkaProducer<String, String> plain = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            for (int i = 10; i < 15; i++) {
                plain.send(new ProducerRecord<>("ctp-in", "k" + i, "v" + i));
            }
        }
        List<ConsumerRecord<String, String>> second = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(second::add);
            return second.size() >= 5;
        });
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> record : second) {
            producer.send(new ProducerRecord<>("ctp-out", record.key(), record.value().toUpperCase()));
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.flush();
        consumer.close(Duration.ZERO);
        clients.remove(consumer);

        trilog.restart();
        // the application comes back: its new producer instance takes over the transactional id
        KafkaProducer<String, String> restarted = transactional("ctp-app", Map.of());

        assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
        assertThat(readToEnd("ctp-out", READ_COMMITTED)).hasSize(10);
        assertThat(readToEnd("ctp-out", READ_UNCOMMITTED)).hasSize(15); // written, then aborted
        assertThat(committedOffset("ctp", "ctp-in")).isEqualTo(10);
        restarted.beginTransaction();
        restarted.send(new ProducerRecord<>("ctp-out", "after-restart"));
        restarted.commitTransaction();
        assertThat(readToEnd("ctp-out", READ_COMMITTED)).hasSize(11).endsWith("after-restart");
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, String> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, String>> partition = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(partition.get(partition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private long committedOffset(String group, String topic) throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return offset == null ? -1 : offset.offset();
        }
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst() throws Exception {
        createTopics("txn-fence");
        KafkaProducer<String, String> first = transactional("tx-fenced", Map.of());
        first.beginTransaction();
        first.send(new ProducerRecord<>("txn-fence", "zombie")).get();

        KafkaProducer<String, String> second = transactional("tx-fenced", Map.of());

        assertThatThrownBy(() -> {
            first.send(new ProducerRecord<>("txn-fence", "zombie-2")).get();
            first.commitTransaction();
        }).satisfiesAnyOf(
                e -> assertThat(e).isInstanceOf(ProducerFencedException.class),
                e -> assertThat(e).hasCauseInstanceOf(ProducerFencedException.class),
                e -> assertThat(e).hasCauseInstanceOf(InvalidProducerEpochException.class));
        second.beginTransaction();
        second.send(new ProducerRecord<>("txn-fence", "survivor"));
        second.commitTransaction();
        assertThat(readToEnd("txn-fence", READ_COMMITTED)).containsExactly("survivor");
    }

    @Test
    void aTransactionOpenLongerThanItsTimeoutIsAborted() throws Exception {
        createTopics("txn-timeout");
        KafkaProducer<String, String> producer = transactional("tx-slow",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 1000));
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("txn-timeout", "too-late")).get();

        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            await().atMost(PATIENCE).until(() -> admin.describeTransactions(List.of("tx-slow")).all().get()
                    .get("tx-slow").state() == TransactionState.COMPLETE_ABORT);
        }

        assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
        assertThat(readToEnd("txn-timeout", READ_COMMITTED)).isEmpty();
        assertThat(readToEnd("txn-timeout", READ_UNCOMMITTED)).containsExactly("too-late");
    }

    @Test
    void kafkaTransactionsAbortEndsAHangingTransaction() throws Exception {
        createTopics("txn-hanging");
        KafkaProducer<String, String> producer = transactional("tx-hanging", Map.of());
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("txn-hanging", "stuck")).get();
        try (KafkaProducer<String, String> plain = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            plain.send(new ProducerRecord<>("txn-hanging", "behind")).get();
        }
        assertThat(readToEnd("txn-hanging", READ_COMMITTED)).isEmpty(); // held at the open transaction

        KafkaCli.Result aborted = KafkaCli.run(KafkaCli.TRANSACTIONS, null, "--bootstrap-server",
                trilog.kafkaBootstrap(), "abort", "--topic", "txn-hanging", "--partition", "0", "--start-offset", "0");

        assertThat(aborted.exitCode()).as(aborted.output()).isZero();
        assertThat(readToEnd("txn-hanging", READ_COMMITTED)).containsExactly("behind");
    }

    @Test
    void adminListsAndDescribesTransactions() throws Exception {
        createTopics("txn-admin");
        KafkaProducer<String, String> producer = transactional("tx-described", Map.of());
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("txn-admin", "x")).get();

        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            List<TransactionListing> listed = new ArrayList<>(admin.listTransactions().all().get());
            assertThat(listed).extracting(TransactionListing::transactionalId).contains("tx-described");
            assertThat(listed).filteredOn(l -> l.transactionalId().equals("tx-described"))
                    .extracting(TransactionListing::state).containsExactly(TransactionState.ONGOING);
            TransactionDescription described = admin.describeTransactions(List.of("tx-described")).all().get()
                    .get("tx-described");
            assertThat(described.state()).isEqualTo(TransactionState.ONGOING);
            assertThat(described.topicPartitions()).isEqualTo(Set.of(new TopicPartition("txn-admin", 0)));
            assertThat(described.transactionTimeoutMs()).isEqualTo(60_000);
            TopicPartition tp = new TopicPartition("txn-admin", 0);
            List<ProducerState> producers = admin.describeProducers(List.of(tp)).partitionResult(tp).get()
                    .activeProducers();
            assertThat(producers).singleElement().satisfies(p -> {
                assertThat(p.producerId()).isEqualTo(described.producerId());
                assertThat(p.currentTransactionStartOffset()).hasValue(0L);
            });
        }
        KafkaCli.Result producers = KafkaCli.run(KafkaCli.TRANSACTIONS, null, "--bootstrap-server",
                trilog.kafkaBootstrap(), "describe-producers", "--topic", "txn-admin", "--partition", "0");
        assertThat(producers.exitCode()).as(producers.output()).isZero();
        assertThat(producers.output()).contains("ProducerId");

        KafkaCli.Result list = KafkaCli.run(KafkaCli.TRANSACTIONS, null, "--bootstrap-server", trilog.kafkaBootstrap(),
                "list");
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).contains("tx-described").contains("Ongoing");
        KafkaCli.Result describe = KafkaCli.run(KafkaCli.TRANSACTIONS, null, "--bootstrap-server",
                trilog.kafkaBootstrap(), "describe", "--transactional-id", "tx-described");
        assertThat(describe.exitCode()).as(describe.output()).isZero();
        assertThat(describe.output()).contains("tx-described").contains("Ongoing").contains("txn-admin-0");

        producer.commitTransaction();
        KafkaCli.Result after = KafkaCli.run(KafkaCli.TRANSACTIONS, null, "--bootstrap-server", trilog.kafkaBootstrap(),
                "describe", "--transactional-id", "tx-described");
        assertThat(after.output()).contains("CompleteCommit");
    }
}
