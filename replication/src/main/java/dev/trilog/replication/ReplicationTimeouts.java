package dev.trilog.replication;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.util.TimeDuration;

/**
 * A node's replication timeouts, kept among its Raft properties, which every group's writer and
 * view is built with.
 *
 * @param leaderPatience how long a producer's batch waits for a leader of its group before it is
 *                       refused with NOT_LEADER_OR_FOLLOWER ({@link LeaderForwarding},
 *                       {@link PartitionWriters}; {@code cluster.leader.patience.ms})
 * @param replicaLagMax  a follower that answered its group's leader within this long is in sync
 *                       (Kafka's {@code replica.lag.time.max.ms})
 */
public record ReplicationTimeouts(Duration leaderPatience, Duration replicaLagMax) {

    /**
     * Both Kafka's defaults: producers' {@code request.timeout.ms} (by then the producer stops
     * waiting anyway; long enough for an election on a loaded machine, a live leader answers far
     * sooner) and the broker's {@code replica.lag.time.max.ms}.
     */
    public static final ReplicationTimeouts DEFAULTS = new ReplicationTimeouts(Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    private static final String LEADER_PATIENCE_KEY = "trilog.leader.patience.ms";
    private static final String REPLICA_LAG_MAX_KEY = "trilog.replica.lag.time.max.ms";

    public ReplicationTimeouts {
        if (leaderPatience.isNegative() || leaderPatience.isZero()) {
            throw new IllegalArgumentException("cluster.leader.patience.ms must be positive, not " + leaderPatience.toMillis());
        }
        if (replicaLagMax.isNegative() || replicaLagMax.isZero()) {
            throw new IllegalArgumentException("replica.lag.time.max.ms must be positive, not " + replicaLagMax.toMillis());
        }
    }

    void applyTo(RaftProperties properties) {
        properties.setLong(LEADER_PATIENCE_KEY, leaderPatience.toMillis());
        properties.setLong(REPLICA_LAG_MAX_KEY, replicaLagMax.toMillis());
    }

    static TimeDuration leaderPatience(RaftProperties properties) {
        return TimeDuration.valueOf(properties.getLong(LEADER_PATIENCE_KEY, DEFAULTS.leaderPatience.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    static long replicaLagMaxMs(RaftProperties properties) {
        return properties.getLong(REPLICA_LAG_MAX_KEY, DEFAULTS.replicaLagMax.toMillis());
    }
}
