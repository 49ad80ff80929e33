package dev.trilog.bench.routing;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.RecordData;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import dev.trilog.routing.queue.Publish;
import dev.trilog.routing.queue.PublishOptions;
import dev.trilog.routing.queue.PublishResult;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Publishing 1 KiB messages to a one-partition queue, page-cache durability, one publishing
 * thread; one op = one message, so ops/s is messages/s.
 * <ul>
 * <li>{@code rawAppend}: 100 ready-made records appended as one batch straight to the partition
 * log (the engine's own rate, the reference);</li>
 * <li>{@code rawAppendWithMapping}: the same, but each record mapped from its {@link Message}
 * first (what any publish path pays);</li>
 * <li>{@code queuePublish}: 100 {@link Queues#publish} calls without waiting, then waiting for
 * all: message mapping, partition choice, the accumulator's hand-off to its append thread and
 * group commit;</li>
 * <li>{@code queuePublishAll}: the same 100 messages in one {@link Queues#publishAll} (SQS
 * SendMessageBatch; an AMQP frontend passing what one network read brought).</li>
 * </ul>
 * Each iteration writes to a fresh topic, deleted afterwards, so the disk does not fill.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class PublishBenchmark {

    private static final int BATCH = 100;

    private Path dir;
    private LogEngine engine;
    private Topology topology;
    private Queues queues;
    private PartitionLog raw;
    private int round;
    private String queue;
    private final List<Message> messages = new ArrayList<>();
    private final List<RecordData> records = new ArrayList<>();
    private final List<Publish> publishes = new ArrayList<>();

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory(Path.of(System.getProperty("trilog.bench.dir",
                System.getProperty("java.io.tmpdir"))), "trilog-publish-bench");
        engine = LogEngine.open(EngineSettings.of(dir));
        topology = Topology.open(engine);
        queues = Queues.open(engine, topology, QueuesSettings.defaults());
        Random random = new Random(1);
        long now = System.currentTimeMillis();
        for (int i = 0; i < BATCH; i++) {
            byte[] body = new byte[1024];
            random.nextBytes(body);
            Message message = Message.builder().body(body).timestamp(now).build();
            messages.add(message);
            records.add(MessageMapping.toRecord(message));
            publishes.add(Publish.of(message));
        }
    }

    @Setup(Level.Iteration)
    public void freshTopics() throws Exception {
        round++;
        queue = "bench-q-" + round;
        topology.declareQueue(QueueSpec.durable(queue));
        engine.createTopic("bench-raw-" + round, 1, Map.of());
        raw = engine.partition(new TopicPartition("bench-raw-" + round, 0));
    }

    @TearDown(Level.Iteration)
    public void dropTopics() throws Exception {
        topology.deleteQueue(queue);
        engine.deleteTopic("bench-raw-" + round);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        queues.close();
        engine.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawAppend() throws IOException {
        var result = engine.appender().appendRecords(raw.topicPartition(), records).join();
        return result.lastOffset();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawAppendWithMapping() throws IOException {
        List<RecordData> mapped = new ArrayList<>(BATCH);
        for (Message message : messages) {
            mapped.add(MessageMapping.toRecord(message));
        }
        var result = engine.appender().appendRecords(raw.topicPartition(), mapped).join();
        return result.lastOffset();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long queuePublish() {
        CompletableFuture<PublishResult> last = null;
        for (Message message : messages) {
            last = queues.publish(queue, message, PublishOptions.NONE);
        }
        return last.join().offset(); // one partition, in order: the last done means all are
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long queuePublishAll() {
        List<PublishResult> results = queues.publishAll(queue, publishes).join();
        return results.get(results.size() - 1).offset();
    }
}
