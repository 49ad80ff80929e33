package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.ConsumerGroups;
import dev.trilog.log.CommittedOffset;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The admin API's views of consumer groups ({@code /api/v1/groups}): committed offsets and lag from
 * the engine, type, state and members from the Kafka frontend's coordinators.
 */
final class GroupViews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LogEngine engine;
    /** The Kafka frontend's group coordinators: who is a member, share groups; empty without a Kafka listener. */
    private final List<ConsumerGroups> coordinators;

    GroupViews(LogEngine engine, List<ConsumerGroups> coordinators) {
        this.engine = engine;
        this.coordinators = List.copyOf(coordinators);
    }

    /** Whether a group of this name has committed offsets or is known to a coordinator. */
    boolean exists(String name) {
        return engine.groupOffsets().groups().contains(name) || !known(name).isEmpty();
    }

    /**
     * Every group with committed offsets or known to a coordinator (with members, or a share group
     * since the process started): its type, state and members where a coordinator knows them, and
     * the lag of its committed offsets. A share group has no committed offsets: its progress is its
     * share cursors', shown as its queue's counts when it is a queue's group.
     */
    ObjectNode groups() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("groups");
        java.util.SortedSet<String> names = new java.util.TreeSet<>(engine.groupOffsets().groups());
        coordinators.forEach(c -> c.groups().forEach(g -> names.add(g.name())));
        for (String name : names) {
            ObjectNode group = group(name);
            ObjectNode row = list.addObject().put("name", name);
            for (String field : List.of("type", "state", "members")) {
                if (group.has(field)) {
                    row.set(field, group.get(field));
                }
            }
            row.put("partitions", group.get("partitions").size()).put("lag", group.get("lag").asLong());
        }
        return body;
    }

    /** What the coordinators know of groups of this name: one a type, classic and share apart. */
    List<ConsumerGroups.Group> known(String name) {
        List<ConsumerGroups.Group> found = new ArrayList<>();
        coordinators.forEach(c -> c.groups().stream().filter(g -> g.name().equals(name)).forEach(found::add));
        return found;
    }

    /**
     * A group's type, state and members (the coordinator's; a classic group with committed offsets
     * the coordinator has not loaded is "Empty"), and its committed offsets with each partition's
     * end offset and lag (end − committed, Kafka's definition; null when the partition is gone).
     */
    ObjectNode group(String name) {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        List<ConsumerGroups.Group> known = known(name);
        ConsumerGroups.Group committing = known.stream().filter(g -> !g.type().equals("share")).findFirst().orElse(null);
        ConsumerGroups.Group shown = committing != null ? committing : known.isEmpty() ? null : known.get(0);
        if (shown != null) {
            body.put("type", shown.type()).put("state", shown.state()).put("members", shown.members());
        } else if (!coordinators.isEmpty()) {
            body.put("type", "classic").put("state", "Empty").put("members", 0);
        }
        ArrayNode partitions = body.putArray("partitions");
        long totalLag = 0;
        var committed = new TreeMap<String, Map<Integer, CommittedOffset>>();
        engine.groupOffsets().fetchAll(name).forEach((tp, offset) ->
                committed.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), offset));
        for (var topic : committed.entrySet()) {
            for (var partition : topic.getValue().entrySet()) {
                ObjectNode row = partitions.addObject().put("topic", topic.getKey()).put("partition", partition.getKey())
                        .put("committedOffset", partition.getValue().offset());
                PartitionLog log = engine.partition(new TopicPartition(topic.getKey(), partition.getKey()));
                if (log == null) {
                    row.putNull("endOffset").putNull("lag");
                } else {
                    long lag = Math.max(0, log.highWatermark() - partition.getValue().offset());
                    row.put("endOffset", log.highWatermark()).put("lag", lag);
                    totalLag += lag;
                }
            }
        }
        body.put("lag", totalLag);
        return body;
    }
}
