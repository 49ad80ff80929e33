package dev.trilog.compare.workload;

import java.time.Duration;

/**
 * One workload, OpenMessaging-Benchmark in spirit: what is sent, by how many, how fast, for how
 * long, and how each protocol acknowledges. The same workload runs through every protocol; only
 * the per-protocol acknowledgement settings differ.
 *
 * @param name          short identifier, used in file names and tables
 * @param description   one line for the report
 * @param messageSize   bytes per message body (the first 56 carry a timestamp and sequence)
 * @param producers     publishing clients
 * @param consumers     consuming clients per reader
 * @param readers       independent readers of every message (fan-out): Kafka consumer groups, SQS queues
 * @param partitions    Kafka partitions of the topic (SQS standard queues have none)
 * @param rate          total target rate in messages/s; 0 means as fast as the protocol allows
 * @param duration      measured time
 * @param warmup        time sent and consumed before measuring starts
 * @param backlog       when &gt; 0: produce this many messages first, then start the consumers and
 *                      measure how fast they drain it (duration and warm-up are then ignored)
 * @param quickBacklog  the backlog under {@code --quick}
 * @param kafka         Kafka acknowledgement settings
 * @param sqs           SQS acknowledgement settings
 * @param amqp091       AMQP 0-9-1 settings (for the driver that is still to come)
 * @param amqp10        AMQP 1.0 settings (for the driver that is still to come)
 */
public record Workload(
        String name,
        String description,
        int messageSize,
        int producers,
        int consumers,
        int readers,
        int partitions,
        double rate,
        Duration duration,
        Duration warmup,
        long backlog,
        long quickBacklog,
        KafkaSettings kafka,
        SqsSettings sqs,
        Amqp091Settings amqp091,
        Amqp10Settings amqp10) {

    /** The smallest body that still holds the header with timestamps and sequence number. */
    public static final int MIN_MESSAGE_SIZE = 64;

    public boolean fixedRate() {
        return rate > 0;
    }

    public boolean isBacklogDrain() {
        return backlog > 0;
    }

    /** This workload shortened for {@code --quick}: 2 s measured after 0.5 s of warm-up, and a small backlog. */
    public Workload quick() {
        Duration quickDuration = duration.compareTo(Duration.ofSeconds(2)) < 0 ? duration : Duration.ofSeconds(2);
        // the JIT warm-up before the first workload has run every path by then
        Duration quickWarmup = warmup.compareTo(Duration.ofMillis(500)) < 0 ? warmup : Duration.ofMillis(500);
        return new Workload(name, description, messageSize, producers, consumers, readers, partitions, rate,
                quickDuration, quickWarmup, backlog > 0 ? Math.min(backlog, quickBacklog) : 0, quickBacklog,
                kafka, sqs, amqp091, amqp10);
    }

    /** Kafka: producer {@code acks}, {@code linger.ms}, and how often consumers commit their offsets. */
    public record KafkaSettings(String acks, int lingerMs, int batchSizeBytes, Duration commitInterval) {
        public static KafkaSettings defaults() {
            return new KafkaSettings("all", 1, 65536, Duration.ofSeconds(1));
        }
    }

    /**
     * SQS: entries per SendMessageBatch and per ReceiveMessage (1-10), the long-poll wait and the
     * visibility timeout of the queues; a message is deleted (DeleteMessageBatch) once read.
     */
    public record SqsSettings(int sendBatch, int receiveBatch, int waitTimeSeconds, int visibilityTimeoutSeconds) {
        public static SqsSettings defaults() {
            return new SqsSettings(10, 10, 1, 30);
        }
    }

    /** AMQP 0-9-1: publisher confirms, manual ack or autoack, prefetch. */
    public record Amqp091Settings(boolean confirms, boolean autoAck, int prefetch) {
        public static Amqp091Settings defaults() {
            return new Amqp091Settings(true, false, 1000);
        }
    }

    /** AMQP 1.0: sends settled (fire and forget) or unsettled (wait for the outcome), link credit. */
    public record Amqp10Settings(boolean settled, int credit) {
        public static Amqp10Settings defaults() {
            return new Amqp10Settings(false, 1000);
        }
    }
}
