package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.TopicExistsException;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.log.record.BatchError;
import dev.trilog.log.record.InvalidBatchException;
import dev.trilog.log.Topic;
import dev.trilog.log.record.TxnMarker;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * What the Raft log carries: one write to the engine, and the reply the state machine gives.
 * Every replica applies the same commands in the same order to its own engine, so every replica
 * holds the same batches at the same offsets.
 *
 * <p>A partition's writes (appends, markers, DeleteRecords) go to the partition's own Raft group
 * ({@link PartitionGroups}); everything else, and the engine's internal logs, to the metadata
 * group. An append carries the batch bytes themselves (a plain Raft log entry, not Ratis'
 * {@code DataApi}): the simplest form that is exactly right, at the price of the bytes being on
 * disk twice (the Raft log and the segment). Writing them once is the next step.
 */
sealed interface LogCommand {

    byte APPEND = 1;
    byte MARKER = 2;
    byte CREATE_TOPIC = 3;
    byte DELETE_TOPIC = 4;
    byte GROW_TOPIC = 5;
    byte CONFIGURE_TOPIC = 6;
    byte DELETE_RECORDS = 7;
    byte SERVE_QUEUES = 8;
    byte APPEND_IF_SERVING = 9;
    byte APPENDS = 10;
    byte ALLOCATE_PRODUCER_IDS = 11;

    /** {@link Append#servingEpoch} of a write anyone may make. */
    long ANY_EPOCH = -1;

    /**
     * A batch (a producer's, or one built from records) for {@code partition}, with the topic as
     * the writing node has it: a replica that lacks the topic (or has fewer partitions) creates it
     * first, so topics made on any node by any protocol reach every replica with their first write.
     * {@code topicPartitions} 0: the writing node did not know the topic. {@code topicId} is the
     * ID the writing node knows it by, so a replica creating it gives it the same one.
     * {@code servingEpoch}: for queue state, the epoch at which the writing node took the queues
     * over — refused when another node has taken them over since ({@link ServeQueues});
     * {@link #ANY_EPOCH} for every other write.
     */
    record Append(TopicPartition partition, ByteBuffer batch, Uuid topicId, int topicPartitions,
            Map<String, String> topicConfigs, long servingEpoch) implements LogCommand {
    }

    /**
     * Several appends in one Raft entry, applied one after the other as if each were its own
     * entry, each with its own reply ({@link #encodeReplies}): the batches that came for a group
     * while its leader's previous entry was being committed ({@link EntryCoalescing}). Every Raft
     * entry costs each replica a log write, a sync, an appendEntries round and an apply whatever
     * its size, and with a group per partition each group's entries are too few to share them.
     */
    record Appends(java.util.List<Append> appends) implements LogCommand {
    }

    /**
     * The node that leads at {@code epoch} (its Raft term) serves the queues from now on: queue
     * state written at an older epoch is refused after this. Refused itself unless committed in
     * that very term — a node that only believes it leads (it has not heard of a newer term yet)
     * cannot take the queues over through the real leader.
     */
    record ServeQueues(int node, long epoch) implements LogCommand {
    }

    /** A transaction's COMMIT or ABORT marker. */
    record Marker(TopicPartition partition, long producerId, short epoch, TxnMarker marker, int coordinatorEpoch)
            implements LogCommand {
    }

    /**
     * A topic, with the ID its creator chose, created on every replica; each partition's group on
     * {@code replicationFactor} nodes ({@link Topic#EVERY_NODE}: all of them; the factor is the
     * entry's last field, absent — every node — in entries written before it was).
     */
    record CreateTopic(String name, Uuid id, int partitions, Map<String, String> configs, int replicationFactor)
            implements LogCommand {
    }

    /** The topic with this ID deleted on every replica (not one created again under its name since). */
    record DeleteTopic(String name, Uuid id) implements LogCommand {
    }

    /** The topic with this ID grown to {@code partitions} on every replica. */
    record GrowTopic(String name, Uuid id, int partitions) implements LogCommand {
    }

    /** The topic with this ID given these config overrides (all of them) on every replica. */
    record ConfigureTopic(String name, Uuid id, Map<String, String> configs) implements LogCommand {
    }

    /**
     * A block of {@code size} producer ids for the node that asks, from the cluster's counter
     * (every replica advances its own alike); none below {@code floor}, the end of the blocks
     * the asking node reserved on its own under an earlier build. Answered with the block's first
     * id as the reply's first offset.
     */
    record AllocateProducerIds(long floor, int size) implements LogCommand {
    }

    /** The partition's log start offset moved to {@code offset} on every replica. */
    record DeleteRecords(TopicPartition partition, long offset) implements LogCommand {
    }

    /** The partition a write goes to (an append, a marker, DeleteRecords); null for the other commands. */
    static TopicPartition partitionOf(LogCommand command) {
        return command instanceof Append a ? a.partition()
                : command instanceof Marker m ? m.partition()
                : command instanceof DeleteRecords d ? d.partition() : null;
    }

    /**
     * The command as a Raft log entry's data. An append's batch is copied once, straight into an
     * array of the exact size, which the entry then wraps without copying (a batch is up to a
     * producer's {@code batch.size}; growing a stream and copying it out again cost the leader's
     * Kafka threads about a tenth of their time).
     */
    static ByteString encode(LogCommand command) {
        if (command instanceof Append a) {
            ByteBuffer batch = a.batch().duplicate();
            int length = batch.remaining();
            byte[] head = fields(out -> {
                out.writeByte(a.servingEpoch() == ANY_EPOCH ? APPEND : APPEND_IF_SERVING);
                writePartition(out, a.partition());
                out.writeInt(length);
            });
            byte[] tail = fields(out -> {
                writeUuid(out, a.topicId());
                out.writeInt(a.topicPartitions());
                writeConfigs(out, a.topicConfigs());
                if (a.servingEpoch() != ANY_EPOCH) {
                    out.writeLong(a.servingEpoch());
                }
            });
            byte[] entry = new byte[head.length + length + tail.length];
            System.arraycopy(head, 0, entry, 0, head.length);
            batch.get(entry, head.length, length);
            System.arraycopy(tail, 0, entry, head.length + length, tail.length);
            return UnsafeByteOperations.unsafeWrap(entry); // nothing else holds the array
        }
        if (command instanceof Appends many) {
            return encodeAppends(many.appends().stream().map(LogCommand::encode).toList());
        }
        return UnsafeByteOperations.unsafeWrap(fields(out -> writeOther(out, command)));
    }

    /**
     * One {@link Appends} entry of appends each already encoded ({@link #encode}): the encodings
     * side by side behind a count, joined without copying them (a rope of the arrays). An append
     * is encoded when it is handed over, since the batch it copies lives only until then.
     */
    static ByteString encodeAppends(java.util.List<ByteString> encodedAppends) {
        ByteString entry = UnsafeByteOperations.unsafeWrap(
                ByteBuffer.allocate(1 + Integer.BYTES).put(APPENDS).putInt(encodedAppends.size()).array());
        for (ByteString append : encodedAppends) {
            entry = entry.concat(append);
        }
        return entry;
    }

    /** Writes a command's fields into a fresh array. */
    private static byte[] fields(FieldWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @FunctionalInterface
    interface FieldWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static void writeOther(DataOutputStream out, LogCommand command) throws IOException {
        if (command instanceof ServeQueues s) {
            out.writeByte(SERVE_QUEUES);
            out.writeInt(s.node());
            out.writeLong(s.epoch());
        } else if (command instanceof AllocateProducerIds a) {
            out.writeByte(ALLOCATE_PRODUCER_IDS);
            out.writeLong(a.floor());
            out.writeInt(a.size());
        } else if (command instanceof Marker m) {
            out.writeByte(MARKER);
            writePartition(out, m.partition());
            out.writeLong(m.producerId());
            out.writeShort(m.epoch());
            out.writeByte(m.marker().ordinal());
            out.writeInt(m.coordinatorEpoch());
        } else if (command instanceof CreateTopic c) {
            out.writeByte(CREATE_TOPIC);
            out.writeUTF(c.name());
            writeUuid(out, c.id());
            out.writeInt(c.partitions());
            writeConfigs(out, c.configs());
            out.writeInt(c.replicationFactor());
        } else if (command instanceof DeleteTopic d) {
            out.writeByte(DELETE_TOPIC);
            out.writeUTF(d.name());
            writeUuid(out, d.id());
        } else if (command instanceof GrowTopic g) {
            out.writeByte(GROW_TOPIC);
            out.writeUTF(g.name());
            writeUuid(out, g.id());
            out.writeInt(g.partitions());
        } else if (command instanceof ConfigureTopic c) {
            out.writeByte(CONFIGURE_TOPIC);
            out.writeUTF(c.name());
            writeUuid(out, c.id());
            writeConfigs(out, c.configs());
        } else {
            DeleteRecords d = (DeleteRecords) command;
            out.writeByte(DELETE_RECORDS);
            writePartition(out, d.partition());
            out.writeLong(d.offset());
        }
    }

    /**
     * Reads an entry's data as {@link #encode} wrote it; an append's batch is copied once, out of
     * the entry, into a buffer of its own (the engine writes offsets into it).
     */
    static LogCommand decode(ByteString bytes) {
        try (DataInputStream in = new DataInputStream(bytes.newInput())) {
            byte kind = in.readByte();
            if (kind == APPENDS) {
                Append[] appends = new Append[in.readInt()];
                for (int i = 0; i < appends.length; i++) {
                    byte each = in.readByte();
                    if (each != APPEND && each != APPEND_IF_SERVING) {
                        throw new IllegalArgumentException("an entry of appends holds a command of kind " + each);
                    }
                    appends[i] = (Append) decode(each, in);
                }
                return new Appends(java.util.List.of(appends));
            }
            return decode(kind, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LogCommand decode(byte kind, DataInputStream in) throws IOException {
        return switch (kind) {
            case APPEND, APPEND_IF_SERVING -> {
                TopicPartition tp = readPartition(in);
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                yield new Append(tp, ByteBuffer.wrap(body), readUuid(in), in.readInt(), readConfigs(in),
                        kind == APPEND ? ANY_EPOCH : in.readLong());
            }
            case SERVE_QUEUES -> new ServeQueues(in.readInt(), in.readLong());
            case ALLOCATE_PRODUCER_IDS -> new AllocateProducerIds(in.readLong(), in.readInt());
            case MARKER -> new Marker(readPartition(in), in.readLong(), in.readShort(),
                    TxnMarker.values()[in.readByte()], in.readInt());
            case CREATE_TOPIC -> new CreateTopic(in.readUTF(), readUuid(in), in.readInt(), readConfigs(in),
                    in.available() > 0 ? in.readInt() : Topic.EVERY_NODE);
            case DELETE_TOPIC -> new DeleteTopic(in.readUTF(), readUuid(in));
            case GROW_TOPIC -> new GrowTopic(in.readUTF(), readUuid(in), in.readInt());
            case CONFIGURE_TOPIC -> new ConfigureTopic(in.readUTF(), readUuid(in), readConfigs(in));
            case DELETE_RECORDS -> new DeleteRecords(readPartition(in), in.readLong());
            default -> throw new IllegalArgumentException("unknown replicated command kind " + kind);
        };
    }

    private static void writeConfigs(DataOutputStream out, Map<String, String> configs) throws IOException {
        out.writeInt(configs.size());
        for (Map.Entry<String, String> e : configs.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    private static Map<String, String> readConfigs(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, String> configs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            configs.put(in.readUTF(), in.readUTF());
        }
        return configs;
    }

    private static void writeUuid(DataOutputStream out, Uuid id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static Uuid readUuid(DataInputStream in) throws IOException {
        return new Uuid(in.readLong(), in.readLong());
    }

    private static void writePartition(DataOutputStream out, TopicPartition tp) throws IOException {
        out.writeUTF(tp.topic());
        out.writeInt(tp.partition());
    }

    private static TopicPartition readPartition(DataInputStream in) throws IOException {
        return new TopicPartition(in.readUTF(), in.readInt());
    }

    // ---------------------------------------------------------------- replies

    byte OK = 0;
    byte INVALID_BATCH = 1;
    byte UNKNOWN_TOPIC = 2;
    byte FAILED = 3;
    byte TOPIC_EXISTS = 4;
    byte OFFSET_OUT_OF_RANGE = 5;
    byte INVALID_ARGUMENT = 6;
    byte NOT_SERVING = 7;

    /** The state machine's answer to an append: where it landed. */
    static byte[] encodeResult(AppendResult r) {
        ByteBuffer out = ByteBuffer.allocate(1 + 8 * 3 + 8 + 4);
        out.put(OK).putLong(r.firstOffset()).putLong(r.lastOffset()).putLong(r.logAppendTime())
                .putLong(r.logStartOffset()).putInt(r.recordCount());
        return out.array();
    }

    /** The state machine's answer when the write was refused or failed (the same on every replica). */
    static byte[] encodeFailure(Throwable failure) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (failure instanceof InvalidBatchException invalid) {
                out.writeByte(INVALID_BATCH);
                out.writeByte(invalid.error().ordinal());
            } else {
                out.writeByte(failure instanceof UnknownTopicException ? UNKNOWN_TOPIC
                        : failure instanceof TopicExistsException ? TOPIC_EXISTS
                        : failure instanceof OffsetOutOfRangeException ? OFFSET_OUT_OF_RANGE
                        : failure instanceof IllegalArgumentException ? INVALID_ARGUMENT
                        : failure instanceof NotServingQueuesException ? NOT_SERVING : FAILED);
            }
            out.writeUTF(failure instanceof TopicExistsException exists ? exists.name()
                    : String.valueOf(failure.getMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The replies to an {@link Appends}' appends, in their order, as one reply. */
    static byte[] encodeReplies(java.util.List<byte[]> replies) {
        int size = Integer.BYTES;
        for (byte[] reply : replies) {
            size += Integer.BYTES + reply.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(replies.size());
        replies.forEach(reply -> out.putInt(reply.length).put(reply));
        return out.array();
    }

    /** Each append's reply out of {@link #encodeReplies}' (read with {@link #decodeReply}). */
    static java.util.List<byte[]> decodeReplies(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[][] replies = new byte[in.getInt()][];
        for (int i = 0; i < replies.length; i++) {
            replies[i] = new byte[in.getInt()];
            in.get(replies[i]);
        }
        return java.util.List.of(replies);
    }

    /** Reads a reply: the append's result (already durable on the replying node), or its failure. */
    static AppendResult decodeReply(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte status = in.get();
        if (status == OK) {
            return new AppendResult(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getInt(),
                    CompletableFuture.completedFuture(null));
        }
        try (DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
            BatchError error = status == INVALID_BATCH ? BatchError.values()[data.readByte()] : null;
            String message = data.readUTF();
            Exception failure = switch (status) {
                case INVALID_BATCH -> new InvalidBatchException(error, message);
                case UNKNOWN_TOPIC -> new UnknownTopicException(message);
                case TOPIC_EXISTS -> new TopicExistsException(message);
                case OFFSET_OUT_OF_RANGE -> new IllegalStateException("offset out of range: " + message);
                case INVALID_ARGUMENT -> new IllegalArgumentException(message);
                case NOT_SERVING -> new NotServingQueuesException(message);
                default -> new IllegalStateException("replicated write failed: " + message);
            };
            throw new java.util.concurrent.CompletionException(failure);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
