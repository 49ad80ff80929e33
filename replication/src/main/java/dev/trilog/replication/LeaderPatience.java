package dev.trilog.replication;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.util.TimeDuration;

/**
 * How long a producer's batch waits for a leader of its group before it is refused with
 * NOT_LEADER_OR_FOLLOWER ({@link LeaderForwarding}, {@link PartitionWriters}); the node setting
 * {@code cluster.leader.patience.ms}. Kept among the node's Raft properties, which every writer
 * of a group is built with.
 */
final class LeaderPatience {

    /**
     * Kafka producers' default {@code request.timeout.ms}: by then the producer stops waiting
     * anyway. Long enough for an election on a loaded machine; a live leader answers far sooner.
     */
    static final Duration DEFAULT = Duration.ofSeconds(30);

    private static final String KEY = "trilog.leader.patience.ms";

    private LeaderPatience() {
    }

    static void set(RaftProperties properties, Duration patience) {
        if (patience.isNegative() || patience.isZero()) {
            throw new IllegalArgumentException("cluster.leader.patience.ms must be positive, not " + patience.toMillis());
        }
        properties.setLong(KEY, patience.toMillis());
    }

    static TimeDuration of(RaftProperties properties) {
        return TimeDuration.valueOf(properties.getLong(KEY, DEFAULT.toMillis()), TimeUnit.MILLISECONDS);
    }
}
