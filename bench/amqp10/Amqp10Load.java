import com.rabbitmq.client.ConnectionFactory;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * The bench/amqp10 workload (issue 11), one client for every broker: Qpid JMS over AMQP 1.0.
 * One sender keeps up to INFLIGHT durable messages of SIZE bytes unsettled (JMS 2 asynchronous
 * send: a send completes when the broker settles it {@code accepted}); one receiver with
 * link credit CREDIT (the prefetch) accepts each message (AUTO_ACKNOWLEDGE), on its own
 * connection. After WARMUP seconds it counts for DURATION seconds: messages sent (settled) and
 * received per second, and the end-to-end latency from send to receipt (both ends in this JVM,
 * so System.nanoTime is one clock). Prints one line:
 * {@code RESULT sent_per_sec=.. received_per_sec=.. p50_us=.. p99_us=.. errors=.. client_cpu_ms=..} (the
 * client's own CPU over its whole run: on a small machine the client competes with the broker).
 *
 * <pre>
 * java -cp classes:lib-client/* Amqp10Load URI ADDRESS DURATION WARMUP INFLIGHT CREDIT SIZE [DECLARE_091_URI QUEUE]
 * </pre>
 * With DECLARE_091_URI the durable queue QUEUE is first declared over AMQP 0-9-1 (RabbitMQ 3.x's
 * AMQP 1.0 plugin only reaches queues that exist; Trilog speaks 0-9-1 on the same port).
 */
public final class Amqp10Load {

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String address = args[1];
        long durationS = Long.parseLong(args[2]);
        long warmupS = Long.parseLong(args[3]);
        int inflight = Integer.parseInt(args[4]);
        int credit = Integer.parseInt(args[5]);
        int size = Integer.parseInt(args[6]);
        if (args.length > 8) {
            declare(args[7], args[8]);
        }
        JmsConnectionFactory factory = new JmsConnectionFactory("guest", "guest",
                uri + "?jms.prefetchPolicy.all=" + credit);
        Recorder latencyUs = new Recorder(3);
        AtomicLong received = new AtomicLong();
        AtomicLong settled = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[] measureFrom = {Long.MAX_VALUE};

        Connection receiving = factory.createConnection();
        Session rs = receiving.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = rs.createConsumer(rs.createQueue(address));
        consumer.setMessageListener(m -> {
            long now = System.nanoTime();
            try {
                long sentAt = m.getLongProperty("sent_at");
                if (sentAt >= measureFrom[0]) {
                    received.incrementAndGet();
                    latencyUs.recordValue(Math.max(0, (now - sentAt) / 1_000));
                }
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        });
        receiving.start();

        Connection sending = factory.createConnection();
        Session ss = sending.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = ss.createProducer(ss.createQueue(address));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        Semaphore window = new Semaphore(inflight);
        CompletionListener done = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                window.release();
                try {
                    if (message.getLongProperty("sent_at") >= measureFrom[0]) {
                        settled.incrementAndGet();
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            }

            @Override
            public void onException(Message message, Exception exception) {
                window.release();
                errors.incrementAndGet();
            }
        };
        byte[] payload = new byte[size];
        long start = System.nanoTime();
        long measureStart = start + TimeUnit.SECONDS.toNanos(warmupS);
        long end = measureStart + TimeUnit.SECONDS.toNanos(durationS);
        measureFrom[0] = measureStart;
        latencyUs.reset();
        while (System.nanoTime() < end) {
            if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            BytesMessage m = ss.createBytesMessage();
            m.writeBytes(payload);
            m.setLongProperty("sent_at", System.nanoTime());
            producer.send(m, done);
        }
        double seconds = durationS;
        long sentCount = settled.get();
        long receivedCount = received.get();
        window.tryAcquire(inflight, 10, TimeUnit.SECONDS); // let the last sends settle
        var h = latencyUs.getIntervalHistogram();
        long clientCpuMs = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
        System.out.printf("RESULT sent_per_sec=%.0f received_per_sec=%.0f p50_us=%d p99_us=%d errors=%d"
                + " client_cpu_ms=%d%n", sentCount / seconds, receivedCount / seconds, h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), errors.get(), clientCpuMs);
        sending.close();
        receiving.close();
    }

    static void declare(String amqp091Uri, String queue) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(URI.create(amqp091Uri));
        try (com.rabbitmq.client.Connection c = f.newConnection(); var ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, Map.of());
        }
    }
}
