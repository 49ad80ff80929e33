package dev.trilog.log.producer;

import dev.trilog.log.ActiveProducer;
import dev.trilog.log.DurableFiles;
import dev.trilog.log.record.BatchError;
import dev.trilog.log.record.BatchHeader;
import dev.trilog.log.record.InvalidBatchException;
import dev.trilog.log.record.TxnMarker;
import dev.trilog.log.segment.AbortedTransaction;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Idempotent-producer state of one partition: for each producer id its epoch and its last five
 * batches' sequence ranges and offsets, as Kafka's {@code ProducerStateManager} keeps them.
 *
 * <ul>
 *   <li>A batch whose sequence range matches one of the last five of the same epoch is a
 *       retry: it is answered with the original offsets and not written again.</li>
 *   <li>An older epoch is refused (INVALID_PRODUCER_EPOCH); a newer epoch must start at
 *       sequence 0; within an epoch a batch must start right after the last one
 *       (OUT_OF_ORDER_SEQUENCE_NUMBER). A producer the partition has no state for may start
 *       anywhere (its batches may have been removed by retention).</li>
 * </ul>
 *
 * <p>Transactions: the first transactional batch of a producer opens its transaction on the
 * partition (its offset is remembered); the producer's COMMIT or ABORT marker closes it. The
 * smallest first offset of the open transactions bounds the last stable offset.
 *
 * <p>Snapshot file {@code producer-state.snapshot} (written on segment roll and clean close):
 * big-endian version int16 (1), offset int64 (state covers every batch below it), count int32,
 * then per producer: id int64, epoch int16, first offset of its open transaction int64 (-1 for
 * none), batches int8, and per batch first sequence int32, last sequence int32, first offset
 * int64, last offset int64, timestamp int64; then a CRC32 of all that as int64. Version 0 is
 * the same without the transaction offset. On open the snapshot is loaded and the batches from
 * its offset on are replayed from the log; without a usable snapshot the whole log is replayed.
 *
 * <p>Guarded by the partition's write lock.
 */
public final class ProducerStates {

    public static final String SNAPSHOT_FILE = "producer-state.snapshot";
    private static final int BATCHES_KEPT = 5;
    /** producer.id.expiration.ms: a producer silent this long is forgotten, as in Kafka. */
    static final long EXPIRATION_MS = 24 * 3600 * 1000L;

    /** The sequence range and placement of one appended batch. */
    public record BatchInfo(int firstSequence, int lastSequence, long firstOffset, long lastOffset, long timestamp) {
    }

    private static final class Producer {
        short epoch;
        /** Offset of the first record of the producer's open transaction here, -1 when none is open. */
        long txnFirstOffset = -1;
        /** When a transaction marker of the producer was last written (it has no batch to show it). */
        long lastMarkerTimestamp = Long.MIN_VALUE;
        final ArrayDeque<BatchInfo> batches = new ArrayDeque<>(BATCHES_KEPT);

        Producer(short epoch) {
            this.epoch = epoch;
        }

        long lastTimestamp() {
            return Math.max(lastMarkerTimestamp, batches.isEmpty() ? Long.MIN_VALUE : batches.peekLast().timestamp());
        }
    }

    private final Map<Long, Producer> producers = new HashMap<>();
    /** First offset → producer id of every open transaction, smallest first. */
    private final TreeMap<Long, Long> openTransactions = new TreeMap<>();

    /**
     * Checks a producer's batch before it is written.
     *
     * @return the original placement when the batch is a retry of one already written, else null
     * @throws InvalidBatchException for a stale epoch or a sequence gap
     */
    public BatchInfo check(BatchHeader batch) {
        Producer producer = producers.get(batch.producerId());
        if (producer == null) {
            return null;
        }
        if (batch.producerEpoch() < producer.epoch) {
            throw new InvalidBatchException(BatchError.INVALID_PRODUCER_EPOCH, "producer " + batch.producerId()
                    + " has epoch " + batch.producerEpoch() + ", older than the last seen " + producer.epoch);
        }
        int first = batch.baseSequence();
        int last = lastSequence(batch);
        if (batch.producerEpoch() > producer.epoch) {
            if (first != 0) {
                throw new InvalidBatchException(BatchError.OUT_OF_ORDER_SEQUENCE, "producer " + batch.producerId()
                        + " started epoch " + batch.producerEpoch() + " at sequence " + first + ", not 0");
            }
            return null;
        }
        for (BatchInfo known : producer.batches) {
            if (known.firstSequence() == first && known.lastSequence() == last) {
                return known;
            }
        }
        if (!producer.batches.isEmpty()) {
            int expected = producer.batches.peekLast().lastSequence() + 1;
            boolean inSequence = first == expected || first == 0 && expected == Integer.MIN_VALUE;
            if (!inSequence) {
                throw new InvalidBatchException(BatchError.OUT_OF_ORDER_SEQUENCE, "producer " + batch.producerId()
                        + " sent sequence " + first + ", expected " + expected);
            }
        }
        return null;
    }

    /** Records a batch that was written (its header carries the assigned offsets). */
    public void update(BatchHeader written, long timestamp) {
        Producer producer = producers.computeIfAbsent(written.producerId(), id -> new Producer(written.producerEpoch()));
        if (written.producerEpoch() > producer.epoch) {
            producer.epoch = written.producerEpoch();
            producer.batches.clear();
        }
        if (producer.batches.size() == BATCHES_KEPT) {
            producer.batches.pollFirst();
        }
        producer.batches.addLast(new BatchInfo(written.baseSequence(), lastSequence(written), written.baseOffset(),
                written.lastOffset(), timestamp));
        if (written.transactional() && producer.txnFirstOffset < 0) {
            producer.txnFirstOffset = written.baseOffset();
            openTransactions.put(written.baseOffset(), written.producerId());
        }
    }

    /**
     * Checks a transaction marker before it is written: a marker of an older epoch than the
     * producer's is refused, as Kafka does (a fenced coordinator must not end a newer transaction).
     */
    public void checkMarker(long producerId, short epoch) {
        Producer producer = producers.get(producerId);
        if (producer != null && epoch < producer.epoch) {
            throw new InvalidBatchException(BatchError.INVALID_PRODUCER_EPOCH, "transaction marker of producer "
                    + producerId + " has epoch " + epoch + ", older than the last seen " + producer.epoch);
        }
    }

    /**
     * Records a written transaction marker: the producer's open transaction here ends, and a
     * marker of a newer epoch (the coordinator fencing an old producer) raises the epoch, so
     * the old producer's later batches are refused.
     *
     * @return the first offset of the transaction that ended, or -1 when none was open
     */
    public long endTransaction(long producerId, short epoch, long timestamp) {
        Producer producer = producers.computeIfAbsent(producerId, id -> new Producer(epoch));
        if (epoch > producer.epoch) {
            producer.epoch = epoch;
            producer.batches.clear();
        }
        producer.lastMarkerTimestamp = Math.max(producer.lastMarkerTimestamp, timestamp);
        long first = producer.txnFirstOffset;
        if (first >= 0) {
            openTransactions.remove(first);
            producer.txnFirstOffset = -1;
        }
        return first;
    }

    /**
     * Records the written transaction marker {@code marker} of type {@code type} (see
     * {@link #endTransaction(long, short, long)}).
     *
     * @return the entry an ABORT that ended an open transaction adds to the aborted-transaction
     *         index of the marker's segment, or null
     */
    public AbortedTransaction endTransaction(BatchHeader marker, TxnMarker type) {
        long first = endTransaction(marker.producerId(), marker.producerEpoch(), marker.maxTimestamp());
        if (type != TxnMarker.ABORT || first < 0) {
            return null;
        }
        long unstable = firstUnstableOffset();
        return new AbortedTransaction(marker.producerId(), first, marker.baseOffset(),
                unstable >= 0 ? unstable : marker.baseOffset() + 1);
    }

    /** The first offset of the oldest open transaction, or -1 when none is open. */
    public long firstUnstableOffset() {
        return openTransactions.isEmpty() ? -1 : openTransactions.firstKey();
    }

    /** Every producer this partition remembers (DescribeProducers). */
    public java.util.List<ActiveProducer> active() {
        java.util.List<ActiveProducer> active = new java.util.ArrayList<>(producers.size());
        producers.forEach((id, p) -> {
            long lastSeen = p.lastTimestamp();
            active.add(new ActiveProducer(id, p.epoch, p.batches.isEmpty() ? -1 : p.batches.peekLast().lastSequence(),
                    lastSeen == Long.MIN_VALUE ? -1 : lastSeen, p.txnFirstOffset));
        });
        return active;
    }

    /** Forgets producers silent since before {@code now - EXPIRATION_MS}, except those in a transaction. */
    public void expire(long now) {
        producers.values().removeIf(p -> p.txnFirstOffset < 0 && p.lastTimestamp() < now - EXPIRATION_MS);
    }

    int size() {
        return producers.size();
    }

    private static int lastSequence(BatchHeader batch) {
        long last = (long) batch.baseSequence() + batch.lastOffsetDelta();
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }

    // ---------------------------------------------------------------- snapshot

    public void writeSnapshot(Path dir, long offset) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(1);
            out.writeLong(offset);
            out.writeInt(producers.size());
            for (Map.Entry<Long, Producer> entry : producers.entrySet()) {
                out.writeLong(entry.getKey());
                out.writeShort(entry.getValue().epoch);
                out.writeLong(entry.getValue().txnFirstOffset);
                out.writeByte(entry.getValue().batches.size());
                for (BatchInfo b : entry.getValue().batches) {
                    out.writeInt(b.firstSequence());
                    out.writeInt(b.lastSequence());
                    out.writeLong(b.firstOffset());
                    out.writeLong(b.lastOffset());
                    out.writeLong(b.timestamp());
                }
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        }
        DurableFiles.writeAtomically(dir.resolve(SNAPSHOT_FILE), bytes.toByteArray());
    }

    /**
     * Loads the snapshot if it is intact and does not reach past {@code logEndOffset}.
     *
     * @return the offset the snapshot covers up to, or -1 when there is no usable snapshot
     */
    public long loadSnapshot(Path dir, long logEndOffset) {
        Path file = dir.resolve(SNAPSHOT_FILE);
        try {
            if (!Files.exists(file)) {
                return -1;
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < 22) {
                return -1;
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 8);
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            short version = in.readShort();
            if (version != 0 && version != 1) {
                return -1;
            }
            long offset = in.readLong();
            if (offset > logEndOffset || java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong() != crc.getValue()) {
                return -1;
            }
            Map<Long, Producer> loaded = new HashMap<>();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                Producer producer = new Producer((short) 0);
                long id = in.readLong();
                producer.epoch = in.readShort();
                producer.txnFirstOffset = version >= 1 ? in.readLong() : -1;
                int batches = in.readByte();
                for (int b = 0; b < batches; b++) {
                    producer.batches.add(new BatchInfo(in.readInt(), in.readInt(), in.readLong(), in.readLong(),
                            in.readLong()));
                }
                loaded.put(id, producer);
            }
            producers.clear();
            producers.putAll(loaded);
            openTransactions.clear();
            loaded.forEach((id, producer) -> {
                if (producer.txnFirstOffset >= 0) {
                    openTransactions.put(producer.txnFirstOffset, id);
                }
            });
            return offset;
        } catch (IOException e) {
            return -1;
        }
    }
}
