package dev.trilog.compat.abuse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka consumers that never read their socket while a producer fills the topic they fetch: each
 * writes Fetch requests from offset 0 (1 MiB answers) as fast as the broker takes them and reads
 * nothing, through a small receive buffer. The broker must stop reading such a connection once
 * its answers back up (write-buffer water marks and auto-read), not queue answers for it.
 */
final class NonReadingConsumers implements Abuse {

    private static final int MIB = 1 << 20;

    private final String bootstrap;
    private final int port;
    private final String topic;
    private final int count;
    private final List<Socket> sockets = new ArrayList<>();
    private final Background background = new Background();
    private final AtomicLong fetchesWritten = new AtomicLong();
    private final AtomicLong recordsAcked = new AtomicLong();
    private volatile boolean stopped;
    private KafkaProducer<byte[], byte[]> producer;

    NonReadingConsumers(String bootstrap, int port, String topic, int count) {
        this.bootstrap = bootstrap;
        this.port = port;
        this.topic = topic;
        this.count = count;
    }

    @Override
    public void start() throws Exception {
        Properties settings = new Properties();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(ProducerConfig.ACKS_CONFIG, "1");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
        background.start("abuse-backlog-producer", this::produce);
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096); // set before connecting: the window the broker sees
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 30_000);
            sockets.add(socket);
            background.start("abuse-non-reading-consumer-" + i, () -> fetchForever(socket));
        }
    }


    private void produce() {
        byte[] value = new byte[1024];
        while (!stopped) {
            producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
                if (error == null) {
                    recordsAcked.incrementAndGet();
                }
            });
        }
    }

    /** Writes Fetch requests until the socket is closed; a write blocks once the broker stops reading. */
    private void fetchForever(Socket socket) {
        FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(100).setMinBytes(1).setMaxBytes(MIB)
                .setReplicaId(-1).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(MIB))));
        FetchRequest request = new FetchRequest(fetch, (short) 12);
        try {
            OutputStream out = socket.getOutputStream();
            for (int correlationId = 0; !stopped; correlationId++) {
                ByteBuffer frame = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(),
                        "non-reading", correlationId));
                byte[] bytes = new byte[Integer.BYTES + frame.remaining()];
                ByteBuffer.wrap(bytes).putInt(frame.remaining()).put(frame);
                out.write(bytes);
                fetchesWritten.incrementAndGet();
            }
        } catch (IOException closed) {
            // stopped, or the broker closed it
        }
    }

    @Override
    public String report() {
        return count + " consumers that never read wrote " + fetchesWritten.get() + " fetches; the producer filling"
                + " their topic had " + recordsAcked.get() + " 1 KiB records acknowledged";
    }

    @Override
    public void close() throws Exception {
        stopped = true;
        Sockets.closeAll(sockets);
        background.join();
        if (producer != null) {
            producer.close();
        }
    }
}
