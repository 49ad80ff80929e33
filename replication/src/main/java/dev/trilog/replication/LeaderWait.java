package dev.trilog.replication;

import java.util.concurrent.TimeUnit;
import org.apache.ratis.retry.ExponentialBackoffRetry;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * How a node's Raft clients wait for a leader between attempts. The node's own client waits
 * forever (the group's commands — topics, queue takeovers, start-up writes — must outlast any
 * election or partition); {@link LeaderForwarding}'s gives up after its patience. Ratis' default
 * policy retries with no pause at all, so a node cut off from the majority spun through attempt
 * after attempt — a failed connection or a "no leader" answer each — for as long as the
 * partition lasted, on a machine whose cores the majority side needs.
 *
 * <p>The pause doubles from {@link #FIRST} up to {@link #LONGEST} (each randomised by ±50 %, so
 * nodes cut off together do not retry in step): a redirect to a new leader costs a few
 * milliseconds, and a write waiting through an election or a partition completes at most about
 * {@code 1.5 × LONGEST} after a leader can take it.
 */
final class LeaderWait {

    static final TimeDuration FIRST = TimeDuration.valueOf(10, TimeUnit.MILLISECONDS);
    static final TimeDuration LONGEST = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);

    private LeaderWait() {
    }

    static RetryPolicy policy() {
        return ExponentialBackoffRetry.newBuilder()
                .setBaseSleepTime(FIRST)
                .setMaxSleepTime(LONGEST)
                .setMaxAttempts(Integer.MAX_VALUE)
                .build();
    }
}
