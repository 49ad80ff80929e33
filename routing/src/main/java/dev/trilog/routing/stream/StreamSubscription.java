package dev.trilog.routing.stream;

import dev.trilog.log.PartitionLog;

/**
 * A push reader of one topic from an {@link OffsetSpec} ({@link Streams#subscribe}): records go
 * to its {@link StreamSink} while it has credit, each using one; {@link #addCredit} gives more
 * (AMQP 0-9-1: an ack of a stream delivery, as RabbitMQ's prefetch on streams). There is no
 * acknowledgement state: nothing is held, nothing is redelivered, and another subscription
 * reads the same records.
 *
 * <p>Thread-safe; the reading happens on the facade's reader thread, woken by credit and by
 * appends to the topic, and reads only what is durable (below each partition's high watermark).
 */
public final class StreamSubscription {

    private final Streams streams;
    final String topic;
    final org.apache.kafka.common.Uuid topicId;
    final StreamSink sink;
    final PartitionLog[] logs;
    /** The next offset to read in each partition (reader thread only). */
    final long[] positions;
    final Runnable wake;
    /** Guarded by this. */
    private int credit;
    private boolean active = true;
    /** Reader thread only: where the round-robin over partitions goes on. */
    int nextPartition;

    StreamSubscription(Streams streams, String topic, org.apache.kafka.common.Uuid topicId, PartitionLog[] logs,
            long[] positions, int credit, StreamSink sink) {
        this.streams = streams;
        this.topic = topic;
        this.topicId = topicId;
        this.logs = logs;
        this.positions = positions;
        this.credit = credit;
        this.sink = sink;
        this.wake = () -> streams.schedule(this);
    }

    public String topic() {
        return topic;
    }

    /** Gives {@code n} more credit; reading resumes at once. */
    public void addCredit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("credit to add must not be negative: " + n);
        }
        synchronized (this) {
            if (!active) {
                return;
            }
            credit = (int) Math.min(Integer.MAX_VALUE, (long) credit + n);
        }
        streams.schedule(this);
    }

    public synchronized int credit() {
        return credit;
    }

    public synchronized boolean active() {
        return active;
    }

    /** Stops it: the sink is not called again once a delivery under way has gone. */
    public void cancel() {
        synchronized (this) {
            if (!active) {
                return;
            }
            active = false;
        }
        for (PartitionLog log : logs) {
            log.removeAppendListener(wake);
        }
    }

    /** Takes up to {@code want} credit; 0 when cancelled. */
    synchronized int take(int want) {
        if (!active) {
            return 0;
        }
        int n = Math.min(want, credit);
        credit -= n;
        return n;
    }

    synchronized void giveBack(int n) {
        if (active) {
            credit += n;
        }
    }

    /** Ended by the facade (topic deleted): cancelled, and the sink told. */
    void end() {
        boolean was;
        synchronized (this) {
            was = active;
        }
        cancel();
        if (was) {
            sink.ended(this);
        }
    }

    @Override
    public String toString() {
        return "StreamSubscription(" + topic + ")";
    }
}
