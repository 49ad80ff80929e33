package dev.trilog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.group.GroupSettings;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The listener on each transport serves a real producer and consumer, large fetches included. */
class KafkaServerTransportTest {

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(KafkaTransport.class)
    void eachTransportServesRealClients(KafkaTransport requested) throws Exception {
        KafkaTransport expected = requested == KafkaTransport.NIO ? KafkaTransport.NIO : KafkaTransport.EPOLL;
        // the build machines are Linux x86_64, where Netty's native epoll library must load
        assertThat(Epoll.isAvailable()).as("epoll: %s", Epoll.unavailabilityCause()).isTrue();
        KafkaServerSettings settings = new KafkaServerSettings("127.0.0.1", 0, 0,
                KafkaServerSettings.DEFAULT_MAX_REQUEST_BYTES, true, 1, "", 0, GroupSettings.DEFAULTS,
                dev.trilog.kafka.txn.TransactionSettings.DEFAULTS, requested,
                KafkaServerSettings.DEFAULT_FETCH_SESSION_CACHE_SLOTS, KafkaServerSettings.DEFAULT_CONNECTIONS, null,
                TlsProvider.AUTO, dev.trilog.kafka.security.TlsPrincipals.DEFAULT,
                dev.trilog.kafka.share.ShareSettings.DEFAULTS, dev.trilog.kafka.security.SaslSettings.OFF,
                dev.trilog.kafka.security.AclSettings.OFF);
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir));
                KafkaServer server = new KafkaServer(settings, engine)) {
            InetSocketAddress bound = server.start();
            assertThat(server.transportInUse()).isEqualTo(expected);
            String bootstrap = "127.0.0.1:" + bound.getPort();

            byte[] value = new byte[64 * 1024];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) (i * 31);
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < 40; i++) {
                    producer.send(new ProducerRecord<>("t", 0, null, value));
                }
                producer.flush();
            }
            List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition("t", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (received.size() < 40 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                }
            }
            assertThat(received).hasSize(40);
            assertThat(received).allSatisfy(record -> assertThat(record.value()).isEqualTo(value));
        }
    }
}
