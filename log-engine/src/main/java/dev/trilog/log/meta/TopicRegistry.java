package dev.trilog.log.meta;

import dev.trilog.log.PropertiesBytes;
import dev.trilog.log.Topic;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;

/**
 * The durable list of topics, kept in the internal compacted log {@code __trilog_metadata}.
 *
 * <p>Entry format: key {@code topic/<name>}; value a {@link Properties} text with {@code id}
 * (base64 UUID, as Kafka prints topic IDs), {@code partitions}, {@code replication.factor} (in a
 * cluster, when not every node holds the topic) and one {@code config.<name>} per override; a
 * tombstone deletes the topic. Writes are fsynced before they return.
 */
public final class TopicRegistry {

    private static final String KEY_PREFIX = "topic/";
    private static final String CONFIG_PREFIX = "config.";
    private static final String REPLICATION_FACTOR = "replication.factor";

    /** Whether {@code key} of the metadata log is this registry's (state each node derives itself). */
    public static boolean ownsKey(String key) {
        return key.startsWith(KEY_PREFIX);
    }

    private final InternalLog log;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    /** Kafka clients from Fetch v13 and Produce v13 on name topics by ID, on every request. */
    private final Map<Uuid, Topic> byId = new ConcurrentHashMap<>();

    public TopicRegistry(InternalLog log) throws IOException {
        this.log = log;
        log.replay((key, value) -> {
            if (!key.startsWith(KEY_PREFIX)) {
                return;
            }
            String name = key.substring(KEY_PREFIX.length());
            if (value == null) {
                forget(name);
            } else {
                remember(decode(name, value));
            }
        });
    }

    public Optional<Topic> get(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Collection<Topic> all() {
        return topics.values();
    }

    public Optional<Topic> byId(Uuid id) {
        return Optional.ofNullable(byId.get(id));
    }

    private void remember(Topic topic) {
        Topic previous = topics.put(topic.name(), topic);
        if (previous != null && !previous.id().equals(topic.id())) {
            byId.remove(previous.id());
        }
        byId.put(topic.id(), topic);
    }

    private void forget(String name) {
        Topic previous = topics.remove(name);
        if (previous != null) {
            byId.remove(previous.id());
        }
    }

    public void put(Topic topic) throws IOException {
        log.writeLocal(List.of(Map.entry(KEY_PREFIX + topic.name(), encode(topic))));
        remember(topic);
    }

    public void remove(String name) throws IOException {
        log.writeLocal(List.of(new java.util.AbstractMap.SimpleEntry<>(KEY_PREFIX + name, (byte[]) null)));
        forget(name);
    }

    private static byte[] encode(Topic topic) {
        Map<String, String> values = new HashMap<>();
        values.put("id", topic.id().toString());
        values.put("partitions", Integer.toString(topic.partitions()));
        if (topic.replicationFactor() != Topic.EVERY_NODE) {
            values.put(REPLICATION_FACTOR, Integer.toString(topic.replicationFactor()));
        }
        topic.configOverrides().forEach((k, v) -> values.put(CONFIG_PREFIX + k, v));
        return PropertiesBytes.encode(values);
    }

    private static Topic decode(String name, byte[] value) {
        Map<String, String> values = PropertiesBytes.decode(value);
        Map<String, String> overrides = new HashMap<>();
        values.forEach((key, v) -> {
            if (key.startsWith(CONFIG_PREFIX)) {
                overrides.put(key.substring(CONFIG_PREFIX.length()), v);
            }
        });
        return new Topic(name, Uuid.fromString(values.get("id")), Integer.parseInt(values.get("partitions")),
                overrides, Integer.parseInt(values.getOrDefault(REPLICATION_FACTOR, "0")));
    }
}
