package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams' own word count example (WordCountDemo, kafka-streams-examples, in its own JVM)
 * with {@code processing.guarantee=exactly_once_v2} against Trilog: transactions span the input
 * offsets, a repartition topic, a changelog and the output topic. The counts must be exact, also
 * after the gateway restarts under the running application and after the application restarts
 * (a duplicate or a lost update would change a count).
 */
class StreamsExactlyOnceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String INPUT = "streams-plaintext-input";
    private static final String OUTPUT = "streams-wordcount-output";
    private static final List<String> WORDS = List.of("alpha", "beta", "gamma", "delta", "epsilon");

    @TempDir
    Path dataDir;

    @TempDir
    Path appDir;

    private TrilogHarness trilog;
    private Process app;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "group.min.session.timeout.ms", "500");
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            KafkaCli.stop(app);
        }
        trilog.close();
    }

    private Process startWordCount() throws IOException {
        Properties props = new Properties();
        props.put("application.id", "wordcount-eos");
        props.put("bootstrap.servers", trilog.kafkaBootstrap());
        props.put("processing.guarantee", "exactly_once_v2");
        props.put("state.dir", appDir.resolve("state").toString());
        props.put("replication.factor", "1");
        props.put("commit.interval.ms", "100");
        props.put("consumer.session.timeout.ms", "6000");
        props.put("consumer.heartbeat.interval.ms", "500");
        Path config = appDir.resolve("wordcount.properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "WordCountDemo against Trilog");
        }
        return KafkaCli.start(appDir.resolve("wordcount-" + System.nanoTime() + ".log"), KafkaCli.WORD_COUNT_DEMO,
                config.toString());
    }

    /** Sends {@code lines} sentences of one to five words; returns how often each word was sent. */
    private Map<String, Long> sendSentences(int from, int lines) throws Exception {
        Map<String, Long> sent = new HashMap<>();
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(), Map.of())) {
            for (int i = from; i < from + lines; i++) {
                List<String> words = new ArrayList<>(WORDS.subList(0, 1 + i % WORDS.size()));
                words.forEach(word -> sent.merge(word, 1L, Long::sum));
                producer.send(new ProducerRecord<>(INPUT, "line-" + i, String.join(" ", words))).get();
            }
        }
        return sent;
    }

    /** The latest committed count of each word in the output topic, read up to its last stable offsets. */
    private Map<String, Long> committedCounts() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Long> counts = new HashMap<>();
        List<TopicPartition> partitions = List.of(new TopicPartition(OUTPUT, 0), new TopicPartition(OUTPUT, 1));
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> counts.put(r.key(), r.value()));
            }
        }
        return counts;
    }

    @Test
    void wordCountsAreExactAcrossAGatewayRestartAndAnApplicationRestart() throws Exception {
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            admin.createTopics(List.of(new NewTopic(INPUT, 2, (short) 1), new NewTopic(OUTPUT, 2, (short) 1))).all().get();
        }
        app = startWordCount();
        Map<String, Long> expected = new HashMap<>(sendSentences(0, 40));
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> committedCounts().equals(expected));
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) { // it really runs transactions
            assertThat(admin.listTransactions().all().get()).extracting(TransactionListing::transactionalId)
                    .anyMatch(id -> id.startsWith("wordcount-eos-"));
        }

        trilog.restart();
        sendSentences(40, 40).forEach((word, n) -> expected.merge(word, n, Long::sum));
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> committedCounts().equals(expected));

        KafkaCli.stop(app);
        app = startWordCount(); // its counts come back from the changelog
        sendSentences(80, 20).forEach((word, n) -> expected.merge(word, n, Long::sum));
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> committedCounts().equals(expected));
        assertThat(committedCounts()).isEqualTo(expected);
    }
}
