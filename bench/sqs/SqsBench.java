import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The SQS side-by-side bench: aws-sdk-java-v2 (sync client, Apache HTTP) with CALLERS concurrent
 * callers and 1 KiB bodies against one endpoint, in phases:
 *
 * <ul>
 *   <li>{@code send}: SendMessage, one message per call;
 *   <li>{@code sendbatch}: SendMessageBatch of 10;
 *   <li>{@code receive}: ReceiveMessage(10) + DeleteMessageBatch until everything sent is gone;
 *   <li>{@code e2e}: one sender at a fixed rate, CALLERS receivers long polling (20 s); latency
 *       from send to receipt (same JVM clock).
 * </ul>
 *
 * One line per phase: {@code PHASE name msgs= secs= msgs_per_sec= broker_cpu_s= cpu_us_per_msg=
 * p50_ms= p99_ms= p999_ms=} (latencies per call for the throughput phases, send-to-receive for
 * e2e). The broker's CPU comes from /proc/PID/stat.
 *
 * <p>Usage: {@code java -cp CP SqsBench.java ENDPOINT BROKER_PID MESSAGES E2E_MESSAGES [CALLERS]}
 */
public final class SqsBench {

    private static final int CLK_TCK = 100; // Linux USER_HZ

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        long brokerPid = Long.parseLong(args[1]);
        int messages = Integer.parseInt(args[2]);
        int e2eMessages = Integer.parseInt(args[3]);
        int callers = args.length > 4 ? Integer.parseInt(args[4]) : 8;

        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(callers * 2)
                        .socketTimeout(Duration.ofSeconds(30)))
                .build()) {
            String queueUrl = sqs.createQueue(b -> b.queueName("bench")).queueUrl();
            String body = "x".repeat(1024);
            ExecutorService pool = Executors.newFixedThreadPool(callers + 1);
            try {
                warmUp(sqs, queueUrl, body);
                Phase send = new Phase("send", brokerPid);
                perCaller(pool, callers, messages / callers, i -> {
                    long t0 = System.nanoTime();
                    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
                    send.record(t0);
                    return 1;
                });
                send.done(messages);

                Phase batch = new Phase("sendbatch", brokerPid);
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int e = 0; e < 10; e++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("m" + e).messageBody(body).build());
                }
                perCaller(pool, callers, messages / callers / 10, i -> {
                    long t0 = System.nanoTime();
                    var response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                    if (!response.failed().isEmpty()) {
                        throw new IllegalStateException("batch entries failed: " + response.failed());
                    }
                    batch.record(t0);
                    return 10;
                });
                batch.done(messages / callers / 10 * 10 * callers);

                int expected = messages / callers * callers + messages / callers / 10 * 10 * callers;
                Phase receive = new Phase("receive", brokerPid);
                AtomicInteger received = new AtomicInteger();
                List<Future<?>> receivers = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    receivers.add(pool.submit(() -> {
                        while (received.get() < expected) {
                            long t0 = System.nanoTime();
                            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                                    .waitTimeSeconds(1)).messages();
                            if (!got.isEmpty()) {
                                List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
                                for (int m = 0; m < got.size(); m++) {
                                    deletes.add(DeleteMessageBatchRequestEntry.builder().id("d" + m)
                                            .receiptHandle(got.get(m).receiptHandle()).build());
                                }
                                sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(deletes));
                                received.addAndGet(got.size());
                                receive.record(t0);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> receiver : receivers) {
                    receiver.get(10, TimeUnit.MINUTES);
                }
                receive.done(received.get());

                endToEnd(sqs, queueUrl, body, pool, callers, e2eMessages, brokerPid);
            } finally {
                pool.shutdownNow();
            }
            sqs.deleteQueue(b -> b.queueUrl(queueUrl));
        }
    }

    /** A few hundred calls of every kind, so neither broker's first measured phase includes its JIT. */
    private static void warmUp(SqsClient sqs, String queueUrl, String body) {
        for (int i = 0; i < 300; i++) {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
        }
        int left = 300;
        while (left > 0) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            for (Message message : got) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
            left -= got.size();
        }
    }

    private interface Call {
        int run(int index) throws Exception;
    }

    private static void perCaller(ExecutorService pool, int callers, int callsEach, Call call) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            futures.add(pool.submit(() -> {
                for (int i = 0; i < callsEach; i++) {
                    call.run(i);
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get(10, TimeUnit.MINUTES);
        }
    }

    /**
     * One sender at a steady rate (about 200 messages/s: a latency test, not a throughput one),
     * CALLERS receivers long polling; each message carries its send time.
     */
    private static void endToEnd(SqsClient sqs, String queueUrl, String body, ExecutorService pool, int callers,
            int count, long brokerPid) throws Exception {
        Phase e2e = new Phase("e2e", brokerPid);
        ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(count);
        AtomicBoolean stop = new AtomicBoolean();
        for (int c = 0; c < callers; c++) {
            pool.submit(() -> {
                while (!stop.get()) {
                    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                            .waitTimeSeconds(20).messageAttributeNames("sent")).messages();
                    long now = System.nanoTime();
                    for (Message message : got) {
                        if (seen.putIfAbsent(message.messageId(), true) == null) {
                            e2e.recordNanos(now - Long.parseLong(message.messageAttributes().get("sent").stringValue()));
                            all.countDown();
                        }
                        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    }
                }
                return null;
            });
        }
        Thread.sleep(500); // let every receiver park in its long poll
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(5);
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
            next += intervalNanos;
            String sent = Long.toString(System.nanoTime());
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(java.util.Map.of("sent",
                    MessageAttributeValue.builder().dataType("Number").stringValue(sent).build())));
        }
        if (!all.await(60, TimeUnit.SECONDS)) {
            System.out.println("WARN e2e: " + all.getCount() + " messages not received in 60 s");
        }
        stop.set(true);
        e2e.done(count - (int) all.getCount());
    }

    /** Wall time, broker CPU and a latency histogram for one phase. */
    private static final class Phase {
        private final String name;
        private final long brokerPid;
        private final long startNanos = System.nanoTime();
        private final long startTicks;
        private final Recorder latencies = new Recorder(3);

        Phase(String name, long brokerPid) throws IOException {
            this.name = name;
            this.brokerPid = brokerPid;
            this.startTicks = cpuTicks(brokerPid);
        }

        void record(long startNanos) {
            recordNanos(System.nanoTime() - startNanos);
        }

        void recordNanos(long nanos) {
            latencies.recordValue(Math.max(1, nanos / 1_000)); // µs
        }

        void done(int messages) throws IOException {
            double secs = (System.nanoTime() - startNanos) / 1e9;
            double cpu = (cpuTicks(brokerPid) - startTicks) / (double) CLK_TCK;
            Histogram histogram = latencies.getIntervalHistogram();
            System.out.printf("PHASE %s msgs=%d secs=%.3f msgs_per_sec=%.1f broker_cpu_s=%.2f cpu_us_per_msg=%.1f"
                    + " p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f%n", name, messages, secs, messages / secs, cpu,
                    messages == 0 ? 0 : cpu * 1e6 / messages, histogram.getValueAtPercentile(50) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.9) / 1000.0);
        }

        private static long cpuTicks(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
        }
    }
}
