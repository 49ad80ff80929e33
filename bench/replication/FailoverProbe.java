import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The failover window as a producer sees it: an idempotent acks=all producer sends 1 KiB records
 * to partition 0 of TOPIC one at a time for SECONDS; it prints the partition's leader first
 * ("LEADER id", for the script to kill), and at the end the longest wait between two
 * acknowledgements ("MAXGAP ms") and how many records were acknowledged.
 *
 * Usage: FailoverProbe BOOTSTRAP TOPIC SECONDS
 */
public final class FailoverProbe {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long seconds = Long.parseLong(args[2]);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        byte[] value = new byte[1024];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, 0, null, value)).get(120, TimeUnit.SECONDS);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                int leader = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                        .partitions().get(0).leader().id();
                System.out.println("LEADER " + leader);
                System.out.flush();
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long last = System.nanoTime();
            long maxGap = 0;
            long acked = 0;
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get(120, TimeUnit.SECONDS);
                long now = System.nanoTime();
                maxGap = Math.max(maxGap, now - last);
                last = now;
                acked++;
            }
            System.out.printf("MAXGAP %d ms, %d records acknowledged in %d s%n",
                    Duration.ofNanos(maxGap).toMillis(), acked, seconds);
        }
    }
}
