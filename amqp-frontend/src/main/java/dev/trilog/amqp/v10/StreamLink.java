package dev.trilog.amqp.v10;

import dev.trilog.log.LogEngine;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.TimestampedOffset;
import dev.trilog.log.record.LogRecord;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receiving link that reads a topic like a Kafka consumer: RabbitMQ's stream consumption. A
 * source with the {@code rabbitmq:stream-offset-spec} filter on {@code /queues/Q} reads the
 * queue's topic; {@code /topics/T} reads any topic (from {@code next} without a filter). Every
 * partition is read in offset order from the spec's position — {@code first}, {@code last} (the
 * last record), {@code next} (what comes after the attach), an offset, or a timestamp (the first
 * record at or after it) — and each message carries its offset as the message annotation
 * {@code x-stream-offset}. Nothing is acquired or acknowledged: any number of links read the
 * same topic independently, dispositions are accepted and ignored, and queue consumers of the
 * same queue are not affected.
 *
 * <p>The AMQP filter expressions {@code amqp:properties-filter} and
 * {@code amqp:application-properties-filter} ({@link FilterExpressions}) are evaluated here: a
 * message they drop is skipped without using credit. Any other filter refuses the attach.
 *
 * <p>Reading the log is disk I/O, so it runs on the frontend's stream reader thread; the
 * records come back to the event loop and are sent within the link's credit. A link with credit
 * and nothing to read waits for the partitions' append listeners.
 */
final class StreamLink implements LinkHandler {

    static final Symbol OFFSET_SPEC = Symbol.valueOf("rabbitmq:stream-offset-spec");
    static final Symbol STREAM_OFFSET = Symbol.valueOf("x-stream-offset");
    private static final Logger log = LoggerFactory.getLogger(StreamLink.class);
    /** Records read per round, at most (and never more than the credit). */
    private static final int ROUND = 256;
    private static final int READ_BYTES = 1024 * 1024;

    private final ProtonConnection connection;
    private final Sender sender;
    private final PartitionLog[] partitions;
    private final long[] next;
    private final Runnable[] listeners;
    private final Executor reader;
    private final FilterExpressions filter;
    private long tag;
    private boolean reading;
    private boolean closed;

    private StreamLink(ProtonConnection connection, Sender sender, PartitionLog[] partitions, long[] next,
            Executor reader, FilterExpressions filter) {
        this.filter = filter;
        this.connection = connection;
        this.sender = sender;
        this.partitions = partitions;
        this.next = next;
        this.reader = reader;
        this.listeners = new Runnable[partitions.length];
    }

    /** The offset spec of a source's filters, or null when it has none. */
    static Object offsetSpec(Source source) {
        Map<Symbol, Object> filters = filters(source);
        if (filters == null) {
            return null;
        }
        for (Map.Entry<Symbol, Object> e : filters.entrySet()) {
            Object value = e.getValue();
            if (OFFSET_SPEC.equals(e.getKey()) || value instanceof DescribedType d && OFFSET_SPEC.equals(d.getDescriptor())) {
                return value instanceof DescribedType d ? d.getDescribed() : value;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<Symbol, Object> filters(Source source) {
        return source.getFilter() == null ? null : (Map<Symbol, Object>) source.getFilter();
    }

    /** True for a filter a stream link applies: the offset spec and the AMQP filter expressions. */
    static boolean applies(Symbol key, Object value) {
        return OFFSET_SPEC.equals(key) || value instanceof DescribedType d && OFFSET_SPEC.equals(d.getDescriptor())
                || FilterExpressions.isFilterExpression(value);
    }

    /** Answers the attach once the start positions are known (reading them may touch the disk). */
    static void attach(ProtonConnection connection, Sender sender, Source remote, String topic, Object spec) {
        Map<Symbol, Object> all = filters(remote);
        FilterExpressions filter;
        try {
            if (all != null) {
                for (Map.Entry<Symbol, Object> e : all.entrySet()) {
                    if (!applies(e.getKey(), e.getValue())) {
                        connection.refuse(sender, new AmqpError(AmqpError.NOT_IMPLEMENTED, "filter " + e.getKey()
                                + " is not supported on streams (only the offset spec and amqp:properties-filter /"
                                + " amqp:application-properties-filter)"));
                        return;
                    }
                }
            }
            filter = FilterExpressions.of(all == null ? List.of() : all.values());
        } catch (AmqpError e) {
            connection.refuse(sender, e);
            return;
        }
        LogEngine engine = connection.broker().engine();
        var found = engine.topic(topic);
        if (found.isEmpty()) {
            connection.refuse(sender, new AmqpError(AmqpError.NOT_FOUND, "no topic '" + topic + "'"));
            return;
        }
        PartitionLog[] partitions = new PartitionLog[found.get().partitions()];
        for (int p = 0; p < partitions.length; p++) {
            partitions[p] = engine.partition(new TopicPartition(topic, p));
        }
        Executor reader = connection.broker().streamReader();
        sender.setContext(new ConsumerLink.Pending());
        CompletableFuture.supplyAsync(() -> startOffsets(partitions, spec), reader)
                .whenComplete((next, failure) -> connection.execute(() -> {
                    if (sender.getRemoteState() == EndpointState.CLOSED
                            || sender.getLocalState() != EndpointState.UNINITIALIZED) {
                        return;
                    }
                    if (failure != null) {
                        connection.refuse(sender, ConsumerLink.asAmqpError(failure));
                        return;
                    }
                    StreamLink link = new StreamLink(connection, sender, partitions, next, reader, filter);
                    link.open(remote);
                }));
    }

    /** Each partition's first offset to read for {@code spec}. */
    static long[] startOffsets(PartitionLog[] partitions, Object spec) {
        long[] next = new long[partitions.length];
        for (int p = 0; p < partitions.length; p++) {
            PartitionLog log = partitions[p];
            long start = log.logStartOffset();
            long end = log.logEndOffset();
            String word = spec instanceof Symbol || spec instanceof String ? spec.toString() : null;
            if (spec == null || "next".equals(word)) {
                next[p] = end;
            } else if ("first".equals(word)) {
                next[p] = start;
            } else if ("last".equals(word)) {
                next[p] = Math.max(start, end - 1);
            } else if (spec instanceof Date date) {
                try {
                    next[p] = log.offsetForTimestamp(date.getTime()).map(TimestampedOffset::offset).orElse(end);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            } else if (spec instanceof Number || spec instanceof UnsignedLong) {
                long offset = spec instanceof UnsignedLong u ? u.longValue() : ((Number) spec).longValue();
                next[p] = Math.min(Math.max(offset, start), end);
            } else {
                throw new CompletionException(new AmqpError(AmqpError.INVALID_FIELD,
                        "rabbitmq:stream-offset-spec is first, last, next, an offset or a timestamp, not " + spec));
            }
        }
        return next;
    }

    private void open(Source remote) {
        Source source = new Source();
        source.setAddress(remote.getAddress());
        source.setDurable(remote.getDurable());
        source.setExpiryPolicy(remote.getExpiryPolicy());
        source.setDefaultOutcome(remote.getDefaultOutcome());
        source.setOutcomes(remote.getOutcomes());
        source.setCapabilities(remote.getCapabilities());
        Map<Symbol, Object> filters = filters(remote);
        if (filters != null) { // every filter given is applied: echoed
            source.setFilter(new java.util.LinkedHashMap<>(filters));
        }
        sender.setSource(source);
        sender.setTarget(sender.getRemoteTarget());
        sender.setSenderSettleMode(sender.getRemoteSenderSettleMode() == null ? SenderSettleMode.UNSETTLED
                : sender.getRemoteSenderSettleMode());
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        sender.setContext(this);
        sender.open();
        connection.opened(this);
        connection.metrics().linkOpened(false);
        for (int p = 0; p < partitions.length; p++) {
            listeners[p] = () -> connection.execute(this::readIfWanted);
            partitions[p].addAppendListener(listeners[p]);
        }
        readIfWanted();
    }

    /** One round of reading on the reader thread, when there is credit and none is under way. */
    private void readIfWanted() {
        if (closed || reading || sender.getCredit() <= 0) {
            return;
        }
        reading = true;
        int want = Math.min(ROUND, sender.getCredit());
        long[] from = next.clone();
        reader.execute(() -> {
            List<Read> read;
            try {
                read = read(from, want);
            } catch (RuntimeException e) {
                log.warn("Reading the stream of link '{}' failed", sender.getName(), e);
                read = List.of();
            }
            List<Read> done = read;
            connection.execute(() -> sendRead(done, want));
        });
    }

    /**
     * One read record: its partition, offset and message; a null message with offset -1 means the
     * partition's start moved past the position (retention), with an offset a record the filters drop.
     */
    private record Read(int partition, long offset, Message message) {
    }

    /** Up to {@code want} records from the partitions in turn, each from its next offset. */
    private List<Read> read(long[] from, int want) {
        List<Read> out = new ArrayList<>();
        for (int p = 0; p < partitions.length && out.size() < want; p++) {
            long position = from[p];
            if (position >= partitions[p].logEndOffset()) {
                continue;
            }
            List<LogRecord> records;
            try {
                records = partitions[p].readRecords(position, READ_BYTES);
            } catch (OffsetOutOfRangeException e) { // retention removed it: go on from the start
                out.add(new Read(p, -1, null));
                continue;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (LogRecord record : records) {
                if (record.offset() < position) {
                    continue;
                }
                if (out.size() >= want) {
                    break;
                }
                Message message = MessageMapping.fromRecord(record);
                // a message the filters drop costs no credit: the link moves past it unseen
                out.add(new Read(p, record.offset(), filter.test(message) ? message : null));
            }
        }
        return out;
    }

    private void sendRead(List<Read> read, int wanted) {
        reading = false;
        if (closed) {
            return;
        }
        int sent = 0;
        boolean moved = false;
        for (Read r : read) {
            if (r.message() == null && r.offset() < 0) {
                next[r.partition()] = Math.max(next[r.partition()], partitions[r.partition()].logStartOffset());
                moved = true;
                continue;
            }
            if (r.message() == null) { // filtered out
                if (r.offset() >= next[r.partition()]) {
                    next[r.partition()] = r.offset() + 1;
                    moved = true;
                }
                continue;
            }
            if (sender.getCredit() <= 0 || r.offset() < next[r.partition()]) {
                continue; // no credit any more (re-read later), or sent already
            }
            byte[] payload = connection.codec().encodeStream(r.message(), r.offset());
            Delivery delivery = sender.delivery(Long.toString(tag++).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sender.sendNoCopy(org.apache.qpid.proton.codec.ReadableBuffer.ByteBufferReader.wrap(payload));
            sender.advance();
            if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
                delivery.settle();
            }
            next[r.partition()] = r.offset() + 1;
            connection.metrics().messageOut();
            sent++;
        }
        if (sent > 0 || moved) {
            readIfWanted(); // maybe more
        } else if (sender.getDrain() && sender.getCredit() > 0) {
            sender.drained(); // nothing more now: the drain is done
        }
    }

    @Override
    public void onFlow() {
        readIfWanted();
        if (!reading && sender.getDrain() && sender.getCredit() > 0) {
            sender.drained();
        }
    }

    /** Dispositions change nothing on a stream: settled and forgotten. */
    @Override
    public void onDelivery(Delivery delivery) {
        if (delivery.remotelySettled() || delivery.getRemoteState() != null) {
            delivery.settle();
        }
    }

    @Override
    public void closed() {
        if (closed) {
            return;
        }
        closed = true;
        connection.forget(this);
        connection.metrics().linkClosed(false);
        for (int p = 0; p < partitions.length; p++) {
            if (listeners[p] != null) {
                partitions[p].removeAppendListener(listeners[p]);
            }
        }
    }
}
