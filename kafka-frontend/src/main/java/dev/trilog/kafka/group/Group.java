package dev.trilog.kafka.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every group of the coordinator has, whichever protocol its members speak: a lock, the
 * answers to complete once the lock is released, keyed timeouts, and the checks the shared
 * offset and administration APIs make. {@link ClassicGroup} (JoinGroup/SyncGroup) and
 * {@link ConsumerGroup} (KIP-848 ConsumerGroupHeartbeat) are the two kinds; committed offsets
 * of both live in the same durable store.
 *
 * <p>Everything in a group is guarded by its own monitor: callers enter through {@link #locked}.
 */
abstract sealed class Group permits ClassicGroup, ConsumerGroup {

    private static final Logger log = LoggerFactory.getLogger(Group.class);

    private final String groupId;
    private final GroupTimer timer;
    private final Map<String, Timeout> timeouts = new HashMap<>();
    private final List<Runnable> completions = new ArrayList<>();

    /** A scheduled timeout; identity tells a current one from one that was replaced. */
    private static final class Timeout {
        Runnable cancel = () -> { };
    }

    Group(String groupId, GroupTimer timer) {
        this.groupId = groupId;
        this.timer = timer;
    }

    String groupId() {
        return groupId;
    }

    long nowMs() {
        return timer.nowMs();
    }

    // ---- locking, completions and timeouts

    /** Runs {@code action} under the group's lock, then completes the answers it produced. */
    <T> T locked(Supplier<T> action) {
        List<Runnable> toComplete = List.of();
        try {
            synchronized (this) {
                try {
                    return action.get();
                } finally {
                    // Even if the action failed half-way, the answers it already produced go out.
                    toComplete = new ArrayList<>(completions);
                    completions.clear();
                }
            }
        } finally {
            toComplete.forEach(Runnable::run); // the lock is released by now
        }
    }

    void locked(Runnable action) {
        locked(() -> {
            action.run();
            return null;
        });
    }

    /** Completes {@code future} with {@code value} once the lock is released. */
    <T> void complete(CompletableFuture<T> future, T value) {
        completions.add(() -> future.complete(value));
    }

    /**
     * Runs {@code action} under the lock after {@code delayMs}, replacing any timeout under the
     * same key. A replaced or cancelled timeout never runs its action, even if it already fired.
     */
    void schedule(String key, long delayMs, Runnable action) {
        Timeout timeout = new Timeout();
        Timeout previous = timeouts.put(key, timeout);
        if (previous != null) {
            previous.cancel.run();
        }
        timeout.cancel = timer.schedule(delayMs, () -> locked(() -> {
            if (timeouts.remove(key, timeout)) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.error("Timeout {} of group {} failed", key, groupId, e);
                }
            }
        }));
    }

    /** Whether a timeout is scheduled under {@code key} (and has not run or been cancelled). */
    boolean isScheduled(String key) {
        return timeouts.containsKey(key);
    }

    void cancel(String key) {
        Timeout timeout = timeouts.remove(key);
        if (timeout != null) {
            timeout.cancel.run();
        }
    }

    void cancelAllTimeouts() {
        timeouts.values().forEach(timeout -> timeout.cancel.run());
        timeouts.clear();
    }

    // ---- what the shared APIs ask of every kind of group

    /** Deleted; whoever still holds it retries the lookup. */
    abstract boolean isDead();

    /** Marks the group deleted (DeleteGroups) and stops its timeouts. */
    abstract void markDead();

    /** No members (the group may still have committed offsets): it may be deleted or change kind. */
    abstract boolean isEmpty();

    /** How many members it has now. */
    abstract int size();

    /** ListGroups' line for this group. */
    abstract ListedGroup listed();

    /**
     * Whether an OffsetCommit from this member may be stored.
     *
     * @param generationOrEpoch the classic generation, or the KIP-848 member epoch
     * @throws ApiException with the error to answer each partition
     */
    abstract void validateOffsetCommit(String memberId, String groupInstanceId, int generationOrEpoch,
            short apiVersion) throws ApiException;

    /** TxnOffsetCommit's check of the member a transactional producer commits for (KIP-447). */
    abstract void validateTransactionalOffsetCommit(String memberId, String groupInstanceId, int generationOrEpoch)
            throws ApiException;

    /** OffsetDelete's group-level check: NONE when offsets of unsubscribed topics may go. */
    abstract Errors validateOffsetDelete();

    /** True if a member may consume {@code topic}: its committed offsets must not be deleted. */
    abstract boolean isSubscribedToTopic(String topic);
}
