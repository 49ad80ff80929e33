package dev.trilog.replication;

import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;

/**
 * How often a node takes a snapshot, after which Ratis purges its log up to it: the Raft log
 * holds about {@code threshold} entries (plus one segment) once every node has committed them.
 *
 * @param threshold    entries applied between two snapshots ({@code cluster.snapshot.threshold})
 * @param segmentBytes the size at which Ratis closes a segment of its log; only whole closed
 *                     segments are purged (Ratis' default, 8 MiB; tests make it small)
 */
public record SnapshotSettings(long threshold, long segmentBytes) {

    public static final long DEFAULT_THRESHOLD = 100_000;
    public static final long DEFAULT_SEGMENT_BYTES = 8L << 20;

    /** What a node uses unless told otherwise. */
    public static final SnapshotSettings DEFAULTS = new SnapshotSettings(DEFAULT_THRESHOLD, DEFAULT_SEGMENT_BYTES);

    public SnapshotSettings {
        if (threshold < 1) {
            throw new IllegalArgumentException("cluster.snapshot.threshold must be at least 1, not " + threshold);
        }
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("a Raft log segment of " + segmentBytes + " bytes is too small");
        }
    }

    /** With {@code threshold} entries between snapshots. */
    public static SnapshotSettings everyEntries(long threshold) {
        return new SnapshotSettings(threshold, DEFAULT_SEGMENT_BYTES);
    }

    /**
     * Snapshots every {@link #threshold} entries (not when the server stops), keeps the last two
     * snapshot files, and purges the log after each — but only up to what every node has
     * committed as far as this one knows (Ratis' {@code purge.upto.snapshot.index} left false): a
     * follower that is behind or down keeps its entries in the others' logs and catches up from
     * them when it comes back. A node never heard of since this one started holds back every
     * purge. The leader never pushes a snapshot (Ratis' install disabled, its notification mode):
     * a follower that needs one is told, and fetches the leader's checkpoint itself, the bytes
     * that are the state and no more, at its own pace
     * ({@link EngineStateMachine#notifyInstallSnapshotFromLeader} says why).
     */
    void applyTo(RaftProperties properties) {
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, threshold);
        // not also when the server stops: that would purge (and so strand a node that lost its data)
        // after every restart, however high the threshold; a restart skips what was applied anyway
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, false);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, false);
        // purge as soon as a snapshot allows it (Ratis waits for 1024 entries by default)
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(1024, threshold));
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(segmentBytes));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(properties, false);
    }
}
