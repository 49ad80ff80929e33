package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a producer is told was written is there, exactly once, through dropped connections and restarts. */
class ProducerDurabilityTest {

    @TempDir
    Path dataDir;

    @Test
    void anIdempotentRetryAfterALostResponseWritesNoDuplicate() throws Exception {
        int proxyPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            proxyPort = probe.getLocalPort();
        }
        try (TrilogHarness trilog = TrilogHarness.start(dataDir, "kafka.advertised.port", Integer.toString(proxyPort));
                ResponseDroppingProxy proxy = new ResponseDroppingProxyOnPort(proxyPort, trilog).proxy()) {
            String bootstrap = "127.0.0.1:" + proxy.port();
            try (KafkaProducer<String, String> producer = KafkaClients.producer(bootstrap,
                    Map.of(ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50))) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("retried", 0, null, "m" + i)).get();
                }
                proxy.dropNextProduceResponse();
                RecordMetadata retried = producer.send(new ProducerRecord<>("retried", 0, null, "m10")).get(60, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>("retried", 0, null, "m11")).get();

                assertThat(proxy.droppedResponses()).as("a produce response was lost").isEqualTo(1);
                assertThat(retried.offset()).isEqualTo(10);
            }

            List<ConsumerRecord<String, String>> records = KafkaClients.readAll(trilog.kafkaBootstrap(),
                    List.of(new TopicPartition("retried", 0)), 12, Map.of());
            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 12).mapToObj(i -> "m" + i).toList());
            assertThat(trilog.gateway().engine().partition(new TopicPartition("retried", 0)).logEndOffset()).isEqualTo(12);
        }
    }

    @Test
    void aRestartInTheMiddleOfAStreamLosesNothingThatWasAcknowledged() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir, "num.partitions", "2")) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            try (KafkaProducer<String, String> producer = KafkaClients.producer(trilog.kafkaBootstrap(),
                    Map.of(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 50, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50))) {
                for (int i = 0; i < 3000; i++) {
                    sends.add(producer.send(new ProducerRecord<>("stream", "k" + (i % 10), "v" + i)));
                    if (i == 1500) {
                        trilog.restart();
                    }
                }
                producer.flush();
            }
            Set<String> acknowledged = new HashSet<>();
            for (int i = 0; i < sends.size(); i++) {
                sends.get(i).get(); // every send must have succeeded, across the restart
                acknowledged.add("v" + i);
            }

            List<ConsumerRecord<String, String>> records = KafkaClients.readAll(trilog.kafkaBootstrap(),
                    List.of(new TopicPartition("stream", 0), new TopicPartition("stream", 1)), 3000, Map.of());
            List<String> values = records.stream().map(ConsumerRecord::value).toList();
            assertThat(new HashSet<>(values)).containsAll(acknowledged);
            assertThat(values).doesNotHaveDuplicates().hasSize(3000);
        }
    }

    /** Binds the proxy on the port the broker advertises, forwarding to the broker's real port. */
    private record ResponseDroppingProxyOnPort(int port, TrilogHarness trilog) {
        ResponseDroppingProxy proxy() throws java.io.IOException {
            int upstream = trilog.gateway().listener("kafka").boundAddress().getPort();
            return new ResponseDroppingProxy(upstream, port);
        }
    }
}
