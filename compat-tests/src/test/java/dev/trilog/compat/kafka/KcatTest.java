package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * librdkafka (through kcat, Debian's 1.7.1 with librdkafka 2.0.2) against Trilog: it speaks
 * older, non-flexible protocol versions than the Java client. CI installs kcat; elsewhere the
 * test is skipped when kcat is missing.
 */
class KcatTest {

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() {
        Kcat.assumeInstalled();
        trilog = TrilogHarness.start(dataDir);
    }

    @AfterEach
    void stop() {
        if (trilog != null) {
            trilog.close();
        }
    }

    private String kcat(String input, String... args) throws IOException, InterruptedException {
        Kcat.Run run = Kcat.run(trilog.kafkaBootstrap(), input, List.of(args));
        assertThat(run.exitCode()).as(run.output()).isZero();
        return run.output();
    }

    @ParameterizedTest(name = "kcat produces with {0}, the Java consumer reads")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void kcatProducesEveryCodec(String codec) throws Exception {
        String topic = "kcat-" + codec;
        kcat("k1:one\nk2:two\nk3:three\n", "-P", "-t", topic, "-p", "0", "-z", codec, "-K:",
                "-X", "enable.idempotence=true");

        List<ConsumerRecord<String, String>> records = KafkaClients.readAll(trilog.kafkaBootstrap(),
                List.of(new TopicPartition(topic, 0)), 3, Map.of());

        assertThat(records).extracting(ConsumerRecord::key).containsExactly("k1", "k2", "k3");
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("one", "two", "three");
    }

    @Test
    void kcatConsumesWhatTheJavaProducerWrote() throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                Map.of("compression.type", "lz4"))) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("to-kcat", 0, "key" + i, "value" + i));
            }
            producer.flush();
        }

        String output = kcat(null, "-C", "-t", "to-kcat", "-o", "beginning", "-e", "-q", "-f", "%o %k=%s\\n");

        assertThat(output.lines().toList()).containsExactly("0 key0=value0", "1 key1=value1", "2 key2=value2",
                "3 key3=value3", "4 key4=value4");
    }

    @Test
    void kcatListsMetadata() throws Exception {
        kcat("x\n", "-P", "-t", "listed");

        String output = kcat(null, "-L", "-t", "listed");

        assertThat(output).contains("1 brokers:", "topic \"listed\" with 1 partitions:");
    }
}
