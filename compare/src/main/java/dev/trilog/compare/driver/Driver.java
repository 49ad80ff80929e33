package dev.trilog.compare.driver;

import dev.trilog.compare.workload.Workload;
import java.time.Duration;
import java.util.List;

/**
 * One protocol's way of moving a workload's messages, with that protocol's real client library.
 * The run engine owns threads, rates, timestamps and measurement; a driver only creates the
 * topic or queues, publishes what it is handed and delivers what it receives, acknowledging the
 * way the workload's settings for its protocol say. Kafka and SQS are written; AMQP 0-9-1 and
 * AMQP 1.0 are one class each when their frontends land (see {@link Protocol}).
 *
 * <p>Threading: each {@link Publisher} and each {@link Subscriber} is used by one thread of the
 * engine at a time; the driver itself may be called from several.
 */
public interface Driver extends AutoCloseable {

    /** The protocol's short name: {@code kafka}, {@code sqs}, {@code amqp091}, {@code amqp10}. */
    String protocol();

    /** The client library and version, for the report. */
    String client();

    /**
     * Creates what the workload needs: a topic with its partitions and a consumer group per reader
     * (Kafka), a queue per reader (SQS). Names start with {@code id}, which is unique per run.
     */
    Topology prepare(Workload workload, String id) throws Exception;

    /** A new publishing client; {@code index} counts from 0. */
    Publisher publisher(Topology topology, int index) throws Exception;

    /** A new consuming client for {@code reader} (0 .. readers-1); {@code index} counts from 0 within the reader. */
    Subscriber subscriber(Topology topology, int reader, int index) throws Exception;

    /** Deletes what {@link #prepare} created (frees the broker's disk between runs); failures are ignored. */
    void cleanup(Topology topology);

    /** The semantics scenarios this protocol can run, observed live. */
    SemanticsProbe semantics();

    @Override
    void close();

    /**
     * What {@link #prepare} made.
     *
     * @param id           the run's unique prefix
     * @param workload     the workload it was made for
     * @param destinations where publishers send (one topic; one queue per reader for SQS, which has no fan-out)
     * @param sources      where each reader reads (a consumer group id; a queue URL)
     */
    record Topology(String id, Workload workload, List<String> destinations, List<String> sources) {
    }

    /** A publishing client. */
    interface Publisher extends AutoCloseable {

        /** The most messages {@link #publish} takes at once (SQS: the batch size). */
        int maxBatch();

        /**
         * Publishes {@code bodies}; may block for back-pressure. {@code acks} is told of each
         * message's outcome exactly once, on any thread, possibly after this method returns.
         */
        void publish(List<byte[]> bodies, Acks acks) throws Exception;

        /** Waits until every message published so far has its outcome. */
        void flush(Duration timeout) throws Exception;

        @Override
        void close();
    }

    /** Told the outcome of each published message. */
    @FunctionalInterface
    interface Acks {
        /** {@code index} is the message's position in its {@code publish} call; {@code error} null when the broker accepted it. */
        void done(int index, Throwable error);
    }

    /** A consuming client. */
    interface Subscriber extends AutoCloseable {

        /** Waits until this client is attached to its source (e.g. has partitions assigned); may return early. */
        void awaitReady(Duration timeout) throws Exception;

        /**
         * Receives what is available within {@code timeout}, hands each message to {@code sink},
         * then acknowledges as the workload says (commit, delete, ack). Returns the number delivered.
         * A protocol whose consumers wait by long polling may wait as long as the workload says
         * instead (SQS's {@code waitTimeSeconds}); the engine only needs the call to return now and then.
         */
        int poll(Duration timeout, Sink sink) throws Exception;

        @Override
        void close();
    }

    /** Where a subscriber hands received bodies. */
    interface Sink {
        void delivered(byte[] body);

        void delivered(String body);

        /** A failure that did not stop the poll (e.g. a partial DeleteMessageBatch). */
        void error(Throwable error);
    }
}
