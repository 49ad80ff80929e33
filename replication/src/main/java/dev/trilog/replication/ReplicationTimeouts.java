package dev.trilog.replication;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
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
 * @param election       how long a follower hears nothing from its group's leader before it may
 *                       stand for election — Ratis' shortest election timeout; each follower's is
 *                       drawn between it and twice it, and a leader heartbeats every follower of
 *                       every group twice as often ({@code cluster.election.timeout.ms})
 */
public record ReplicationTimeouts(Duration leaderPatience, Duration replicaLagMax, Duration election) {

    /**
     * Kafka's defaults for the first two: producers' {@code request.timeout.ms} (by then the
     * producer stops waiting anyway; long enough for an election on a loaded machine, a live leader
     * answers far sooner) and the broker's {@code replica.lag.time.max.ms}. Elections after 0.5–1
     * s: a failover of about a second (Kafka's three brokers: 9–13 s in the failover bench), for
     * the price of a heartbeat every 250 ms per follower of every group, idle or not
     * (docs/replication.md, "Not yet (issue 14)").
     */
    public static final ReplicationTimeouts DEFAULTS = new ReplicationTimeouts(Duration.ofSeconds(30),
            Duration.ofSeconds(30), defaultElection());

    /** With the default election timeout. */
    public ReplicationTimeouts(Duration leaderPatience, Duration replicaLagMax) {
        this(leaderPatience, replicaLagMax, defaultElection());
    }

    private static Duration defaultElection() {
        return Duration.ofMillis(500);
    }

    private static final String LEADER_PATIENCE_KEY = "trilog.leader.patience.ms";
    private static final String REPLICA_LAG_MAX_KEY = "trilog.replica.lag.time.max.ms";

    public ReplicationTimeouts {
        if (leaderPatience.isNegative() || leaderPatience.isZero()) {
            throw new IllegalArgumentException("cluster.leader.patience.ms must be positive, not " + leaderPatience.toMillis());
        }
        if (replicaLagMax.isNegative() || replicaLagMax.isZero()) {
            throw new IllegalArgumentException("replica.lag.time.max.ms must be positive, not " + replicaLagMax.toMillis());
        }
        if (election.toMillis() < MIN_ELECTION_MS) {
            // Ratis heartbeats at half of it: below this a busy machine's pauses would start elections
            throw new IllegalArgumentException("cluster.election.timeout.ms must be at least " + MIN_ELECTION_MS
                    + ", not " + election.toMillis());
        }
    }

    /** The shortest election timeout a node accepts. */
    public static final int MIN_ELECTION_MS = 100;

    void applyTo(RaftProperties properties) {
        properties.setLong(LEADER_PATIENCE_KEY, leaderPatience.toMillis());
        properties.setLong(REPLICA_LAG_MAX_KEY, replicaLagMax.toMillis());
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(election.toMillis(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties,
                TimeDuration.valueOf(2 * election.toMillis(), TimeUnit.MILLISECONDS));
    }

    static TimeDuration leaderPatience(RaftProperties properties) {
        return TimeDuration.valueOf(properties.getLong(LEADER_PATIENCE_KEY, DEFAULTS.leaderPatience.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    static long replicaLagMaxMs(RaftProperties properties) {
        return properties.getLong(REPLICA_LAG_MAX_KEY, DEFAULTS.replicaLagMax.toMillis());
    }
}
