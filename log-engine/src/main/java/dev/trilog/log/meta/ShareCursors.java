package dev.trilog.log.meta;

import dev.trilog.log.PartitionLog;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.log.share.ArchiveListener;
import dev.trilog.log.share.DeliveryPolicy;
import dev.trilog.log.share.ShareCursor;
import dev.trilog.log.share.ShareGroupSettings;
import dev.trilog.log.share.StateJournal;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * The share cursors open on this node: one per share group and partition, opened with its durable
 * state (from the {@link ShareStateStore}) on first use and the same instance after, until the
 * queue or the topic is deleted. A topic created later under the same name starts from nothing.
 */
public final class ShareCursors {

    private final Map<String, ShareCursor> cursors = new ConcurrentHashMap<>();
    private final Function<TopicPartition, PartitionLog> partitions;
    private final ShareStateStore states;
    private final InstantSource clock;

    /** @param partitions the topics' partitions by name, null for one that does not exist */
    public ShareCursors(Function<TopicPartition, PartitionLog> partitions, ShareStateStore states,
            InstantSource clock) {
        this.partitions = partitions;
        this.states = states;
        this.clock = clock;
    }

    /**
     * The cursor of {@code group} over {@code tp}; later calls return the same cursor and ignore
     * the other arguments.
     *
     * @throws UnknownTopicException when there is no such partition
     */
    public ShareCursor open(TopicPartition tp, String group, ShareGroupSettings settings, DeliveryPolicy policy,
            ArchiveListener onArchive) throws UnknownTopicException {
        PartitionLog partition = partitions.apply(tp);
        if (partition == null) {
            throw new UnknownTopicException("unknown partition " + tp);
        }
        String key = ShareStateStore.key(group, tp);
        return cursors.computeIfAbsent(key, k -> ShareCursor.open(partition, group, k, settings, policy, clock,
                states, onArchive));
    }

    /**
     * A scope on this thread in which the cursors' state writes are held back and then written
     * together, as one batch, when it closes ({@link ShareStateStore#batch}).
     */
    public StateJournal.Batch batchWrites() {
        return states.batch();
    }

    /** Forgets every cursor, not its durable state: each opens again from the store on next use. */
    public void forgetAll() {
        cursors.values().forEach(ShareCursor::retire);
        cursors.clear();
    }

    /** Forgets the cursor and its durable state (the queue was deleted). */
    public void delete(TopicPartition tp, String group) {
        String key = ShareStateStore.key(group, tp);
        ShareCursor gone = cursors.remove(key);
        if (gone != null) {
            gone.retire(); // a write it still has pending must not bring the state back
        }
        states.remove(key);
    }

    /** The topics {@code group} has durable share state on. */
    public java.util.SortedSet<String> topicsOf(String group) {
        return states.topicsOf(group);
    }

    /** Forgets every cursor over {@code topic} and, if asked, their durable state (the topic was deleted). */
    public void forgetTopic(String topic, boolean durableStateToo) {
        cursors.values().removeIf(cursor -> {
            boolean over = cursor.log().topicPartition().topic().equals(topic);
            if (over) {
                cursor.retire();
            }
            return over;
        });
        if (durableStateToo) {
            states.removeTopic(topic);
        }
    }
}
