package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.ConsumerGroups;
import dev.trilog.gateway.definitions.DefinitionsExporter;
import dev.trilog.log.CommittedOffset;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.TimestampedOffset;
import dev.trilog.log.Topic;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code POST /api/v1/groups/NAME/reset}: an empty consumer group's committed offsets moved to the
 * earliest or latest offset, the first record at or after a time, or a given offset — what
 * {@code kafka-consumer-groups --reset-offsets --to-earliest|--to-latest|--to-datetime|--to-offset
 * --execute} does, refused while the group has members as that tool refuses.
 *
 * <pre>
 *   {"to": "earliest" | "latest" | "timestamp" | "offset", "timestamp": ms or ISO-8601, "offset": N,
 *    "topic": "orders", "dryRun": false}
 * </pre>
 *
 * Without a topic, every partition the group has committed offsets for; with one, each partition
 * of that topic (a group without offsets yet gets them, as with Kafka's {@code --topic}). An offset
 * outside a partition's start and end is moved inside, as Kafka's tool does. The commit goes through
 * the Kafka group coordinator, which alone knows whether the group has members.
 */
final class GroupOffsetReset {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
            java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final LogEngine engine;
    private final List<ConsumerGroups> coordinators;

    GroupOffsetReset(LogEngine engine, List<ConsumerGroups> coordinators) {
        this.engine = engine;
        this.coordinators = List.copyOf(coordinators);
    }

    AdminApi.Response reset(String group, byte[] body) {
        AdminApi.JsonBody read = AdminApi.readJson(body);
        if (read.refusal() != null) {
            return read.refusal();
        }
        JsonNode request = read.tree();
        if (request == null || !request.isObject() || !request.path("to").isTextual()) {
            return AdminApi.error(400, "expected {\"to\": \"earliest\"|\"latest\"|\"timestamp\"|\"offset\", …}");
        }
        String to = request.get("to").asText();
        Long timestamp = null;
        Long offset = null;
        switch (to) {
            case "earliest", "latest" -> {
                // no argument
            }
            case "timestamp" -> {
                timestamp = RecordBrowser.time(request.path("timestamp").asText(""));
                if (timestamp == null) {
                    return AdminApi.error(400, "timestamp must be milliseconds since the epoch or an ISO-8601 time,"
                            + " not " + request.path("timestamp"));
                }
            }
            case "offset" -> {
                JsonNode given = request.path("offset");
                if (!given.isIntegralNumber() || given.asLong() < 0) {
                    return AdminApi.error(400, "offset must be a whole number of at least 0, not " + given);
                }
                offset = given.asLong();
            }
            default -> {
                return AdminApi.error(400, "to must be earliest, latest, timestamp or offset, not '" + to + "'");
            }
        }
        if (coordinators.isEmpty()) {
            return AdminApi.error(503, "no Kafka listener runs here: nobody can tell whether the group has members");
        }
        Map<TopicPartition, CommittedOffset> committed = engine.groupOffsets().fetchAll(group);
        Map<TopicPartition, PartitionLog> targets = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        JsonNode topicNode = request.path("topic");
        if (topicNode.isTextual()) {
            String topic = topicNode.asText();
            Optional<Topic> found = engine.topic(topic).filter(t -> !DefinitionsExporter.isInternal(t.name()));
            if (found.isEmpty()) {
                return AdminApi.error(404, "unknown topic '" + topic + "'");
            }
            for (int p = 0; p < found.get().partitions(); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                targets.put(tp, engine.partition(tp));
            }
        } else if (!topicNode.isMissingNode() && !topicNode.isNull()) {
            return AdminApi.error(400, "topic must be a topic's name");
        } else if (committed.isEmpty()) {
            return AdminApi.error(404, "unknown group '" + group + "' (no committed offsets; name a topic to give it some)");
        } else {
            committed.keySet().forEach(tp -> targets.put(tp, engine.partition(tp)));
        }
        Map<TopicPartition, Long> offsets = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        ObjectNode answer = JSON.createObjectNode().put("group", group);
        ArrayNode rows = answer.putArray("partitions");
        for (var target : targets.entrySet()) {
            PartitionLog log = target.getValue();
            if (log == null) {
                continue; // the partition is gone: nothing to move it to
            }
            long start = log.logStartOffset();
            long end = log.highWatermark();
            long moved;
            try {
                moved = switch (to) {
                    case "earliest" -> start;
                    case "latest" -> end;
                    case "timestamp" -> log.offsetForTimestamp(timestamp).map(TimestampedOffset::offset).orElse(end);
                    default -> Math.max(start, Math.min(end, offset));
                };
            } catch (IOException e) {
                return AdminApi.error(500, "looking up the time in " + target.getKey() + " failed: " + e.getMessage());
            }
            offsets.put(target.getKey(), moved);
            ObjectNode row = rows.addObject().put("topic", target.getKey().topic())
                    .put("partition", target.getKey().partition());
            CommittedOffset before = committed.get(target.getKey());
            if (before == null) {
                row.putNull("previousOffset");
            } else {
                row.put("previousOffset", before.offset());
            }
            row.put("offset", moved);
        }
        boolean dryRun = request.path("dryRun").asBoolean(false);
        answer.put("dryRun", dryRun);
        if (dryRun || offsets.isEmpty()) {
            return new AdminApi.Response(200, answer);
        }
        try {
            coordinators.get(0).resetOffsets(group, offsets);
        } catch (ConsumerGroups.GroupNotEmptyException e) {
            return AdminApi.error(409, e.getMessage());
        } catch (IOException e) {
            return AdminApi.error(500, e.getMessage());
        }
        return new AdminApi.Response(200, answer);
    }
}
