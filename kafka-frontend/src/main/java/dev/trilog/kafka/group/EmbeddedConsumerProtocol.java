package dev.trilog.kafka.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerProtocolAssignment;
import org.apache.kafka.common.protocol.types.SchemaException;

/**
 * The consumer protocol embedded in classic JoinGroup and SyncGroup (kafka-clients'
 * {@link ConsumerProtocol}) as a consumer group reads and writes it for the members that speak
 * the classic protocol: their subscriptions and owned partitions by topic name, their assignments
 * by name, where the consumer group names topics by ID.
 */
final class EmbeddedConsumerProtocol {

    private final TopicCatalog topics;

    EmbeddedConsumerProtocol(TopicCatalog topics) {
        this.topics = topics;
    }

    /** A JoinGroup protocol's subscription; empty when the metadata is not the consumer protocol. */
    static Optional<ConsumerPartitionAssignor.Subscription> subscription(byte[] metadata) {
        try {
            return Optional.of(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)));
        } catch (SchemaException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            return Optional.empty();
        }
    }

    /** A classic assignment's partitions, by topic ID (topics that no longer exist left out); null when malformed. */
    TopicPartitions assignment(byte[] assignment) {
        if (assignment == null || assignment.length == 0) {
            return TopicPartitions.NONE; // a member that has not synced yet holds nothing
        }
        try {
            return byId(ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions());
        } catch (SchemaException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            return null;
        }
    }

    /** Partitions named by topic name, by topic ID; those of unknown topics left out. */
    TopicPartitions byId(List<TopicPartition> partitions) {
        Map<Uuid, Set<Integer>> byId = new HashMap<>();
        for (TopicPartition tp : partitions) {
            topics.topic(tp.topic()).ifPresent(t -> byId.computeIfAbsent(t.id(), id -> new TreeSet<>()).add(tp.partition()));
        }
        return new TopicPartitions(byId);
    }

    /**
     * The assignment to send a member speaking the classic protocol, in the consumer protocol
     * version its metadata (for {@code protocol}) was written in.
     */
    byte[] serializeAssignment(TopicPartitions partitions, byte[] metadata) {
        List<TopicPartition> named = new ArrayList<>();
        Map<String, Set<Integer>> byName = new TreeMap<>();
        partitions.forEach((id, p) -> topics.topic(id).ifPresent(t -> byName.computeIfAbsent(t.name(),
                n -> new TreeSet<>()).add(p)));
        byName.forEach((name, ps) -> ps.forEach(p -> named.add(new TopicPartition(name, p))));
        short version = ConsumerProtocolAssignment.LOWEST_SUPPORTED_VERSION;
        try {
            version = ConsumerProtocol.deserializeVersion(ByteBuffer.wrap(metadata));
        } catch (RuntimeException e) {
            // no readable version: the oldest, which every client reads
        }
        ByteBuffer buffer = ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(named), version);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
