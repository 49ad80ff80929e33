package dev.trilog.routing.stream;

import dev.trilog.log.LogEngine;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.log.record.LogRecord;
import dev.trilog.routing.message.MessageMapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics read as streams: RabbitMQ's stream queues straight on the log, for both AMQP dialects
 * (0-9-1 {@code basic.consume} with {@code x-stream-offset}, 1.0 {@code rabbitmq:stream-offset-spec}).
 * A subscription reads every partition of the topic from where its {@link OffsetSpec} says,
 * round-robin, and pushes the records as messages against credit; it keeps no acknowledgement
 * state, so any number of subscriptions read the same records, as Kafka consumers do.
 *
 * <p><b>Threads.</b> One {@code trilog-stream-reader} thread reads for every subscription (disk
 * reads never run on a frontend's event loop) and calls the sinks. A subscription with credit
 * and nothing to read waits for an append to its topic; one whose topic is deleted ends within a
 * second ({@link StreamSink#ended}). Reads stop at each partition's high
 * watermark: only durable records are delivered. Records of aborted Kafka transactions are not
 * filtered out (read-uncommitted).
 */
public final class Streams implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Streams.class);
    private static final int READ_BYTES = 1 << 20;
    /** Most records one pass hands one subscription, so others get their turn. */
    private static final int PASS_MAX = 512;

    private final LogEngine engine;
    private final ScheduledExecutorService reader;
    private final Set<StreamSubscription> scheduled = ConcurrentHashMap.newKeySet();
    private final Set<StreamSubscription> subscriptions = ConcurrentHashMap.newKeySet();

    /** Streams over {@code engine}; every second it looks for subscriptions whose topic was deleted. */
    public Streams(LogEngine engine) {
        this.engine = engine;
        this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trilog-stream-reader");
            t.setDaemon(true);
            return t;
        });
        reader.scheduleWithFixedDelay(this::endDeleted, 1, 1, TimeUnit.SECONDS);
    }

    /** On the reader thread: ends the subscriptions of deleted topics (or of topics made anew). */
    private void endDeleted() {
        for (StreamSubscription s : subscriptions) {
            Optional<Topic> now = engine.topic(s.topic);
            if (!s.active()) {
                subscriptions.remove(s);
            } else if (now.isEmpty() || !now.get().id().equals(s.topicId)) {
                subscriptions.remove(s);
                s.end();
            }
        }
    }

    /**
     * Reads {@code topic} from {@code from} with {@code credit}, pushing to {@code sink}.
     *
     * @throws UnknownTopicException when there is no such topic
     * @throws IOException           when finding the start by time fails
     */
    public StreamSubscription subscribe(String topic, OffsetSpec from, int credit, StreamSink sink)
            throws UnknownTopicException, IOException {
        if (credit < 0) {
            throw new IllegalArgumentException("credit must not be negative: " + credit);
        }
        Topic t = engine.topic(topic).orElseThrow(() -> new UnknownTopicException(topic));
        PartitionLog[] logs = new PartitionLog[t.partitions()];
        long[] positions = new long[t.partitions()];
        for (int p = 0; p < logs.length; p++) {
            logs[p] = engine.partition(new TopicPartition(topic, p));
            if (logs[p] == null) {
                throw new UnknownTopicException(topic);
            }
            positions[p] = start(logs[p], from);
        }
        StreamSubscription subscription = new StreamSubscription(this, topic, t.id(), logs, positions, credit, sink);
        for (PartitionLog l : logs) {
            l.addAppendListener(subscription.wake);
        }
        subscriptions.add(subscription);
        schedule(subscription);
        return subscription;
    }

    static long start(PartitionLog log, OffsetSpec from) throws IOException {
        long first = log.logStartOffset();
        long end = log.highWatermark();
        return switch (from.kind()) {
            case FIRST -> first;
            case LAST -> Math.max(first, end - 1);
            case NEXT -> end;
            case OFFSET -> Math.max(first, Math.min(end, from.value()));
            case TIMESTAMP -> {
                Optional<dev.trilog.log.TimestampedOffset> at = log.offsetForTimestamp(from.value());
                yield at.map(o -> Math.max(first, o.offset())).orElse(end);
            }
        };
    }

    /** Reads for {@code subscription} soon (credit came, or an append). */
    void schedule(StreamSubscription subscription) {
        if (scheduled.add(subscription)) {
            try {
                reader.execute(() -> {
                    scheduled.remove(subscription);
                    pump(subscription);
                });
            } catch (RejectedExecutionException closing) {
                scheduled.remove(subscription);
            }
        }
    }

    /** On the reader thread: delivers what there is within the credit, one pass. */
    private void pump(StreamSubscription s) {
        int want = s.take(PASS_MAX);
        if (want == 0) {
            return;
        }
        List<StreamDelivery> out = new ArrayList<>();
        try {
            int partitions = s.logs.length;
            boolean progress = true;
            while (out.size() < want && progress) {
                progress = false;
                for (int n = 0; n < partitions && out.size() < want; n++) {
                    int p = (s.nextPartition + n) % partitions;
                    PartitionLog l = s.logs[p];
                    long end = l.highWatermark();
                    if (s.positions[p] < l.logStartOffset()) {
                        s.positions[p] = l.logStartOffset(); // retention went past it
                    }
                    if (s.positions[p] >= end) {
                        continue;
                    }
                    List<LogRecord> records = l.readRecords(s.positions[p], READ_BYTES);
                    for (LogRecord r : records) {
                        if (out.size() >= want || r.offset() >= end) {
                            break;
                        }
                        if (r.offset() < s.positions[p]) {
                            continue;
                        }
                        out.add(new StreamDelivery(p, r.offset(), MessageMapping.fromRecord(r)));
                        s.positions[p] = r.offset() + 1;
                        progress = true;
                    }
                    if (records.isEmpty() && s.positions[p] < end) {
                        s.positions[p] = end; // nothing readable (compacted or aborted) up to there
                    }
                }
                s.nextPartition = (s.nextPartition + 1) % partitions;
            }
        } catch (OffsetOutOfRangeException e) {
            log.debug("{} read past the log; starts again at the log start", s, e);
            for (int p = 0; p < s.logs.length; p++) {
                s.positions[p] = Math.max(s.positions[p], s.logs[p].logStartOffset());
            }
        } catch (IOException | RuntimeException e) {
            if (engine.topic(s.topic).isEmpty()) {
                s.giveBack(want);
                s.end();
                return;
            }
            log.warn("Reading {} failed; trying again on the next append or credit", s, e);
        }
        s.giveBack(want - out.size());
        if (!out.isEmpty() && s.active()) {
            try {
                s.sink.deliver(s, out);
            } catch (RuntimeException e) {
                log.warn("The sink of {} failed", s, e);
            }
            schedule(s); // more may be there, and others had their turn meanwhile
        } else if (engine.topic(s.topic).isEmpty()) {
            s.end();
        }
    }

    /** Stops the reader; subscriptions hear nothing more. */
    @Override
    public void close() {
        reader.shutdownNow();
        try {
            reader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
