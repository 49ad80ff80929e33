package dev.trilog.replication;

import java.io.IOException;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * A group's snapshot files as Ratis' {@link SimpleStateMachineStorage} keeps them, except that a
 * group with no snapshot yet is not looked for again on every question: Ratis' storage lists the
 * state-machine directory (a directory read, a regular expression per file) each time it is asked
 * for the latest snapshot while it knows of none — and a follower asks two or three times for
 * every appendEntries it takes (its consistency checks), a leader for its own appends too. Every
 * group starts without one and keeps none until its log reaches the snapshot threshold, so under
 * load that was a directory listing per Raft entry and replica (bench/replication/RESULTS.md,
 * 2026-12-07 rf3cpu).
 *
 * <p>Once the directory was listed after {@link #init} and held no snapshot, the answer stays "none"
 * until a snapshot is recorded ({@link #updateLatestSnapshot}, which {@link SnapshotCheckpoints#record}
 * calls for every snapshot this node takes or installs) or the directory is listed again
 * ({@link #loadLatestSnapshot}). Nothing else writes snapshot files here: Ratis' own snapshot
 * install is off (SnapshotSettings).
 */
final class SnapshotFiles extends SimpleStateMachineStorage {

    /** Set once {@link #init} ran: a listing before it (no directory yet) says nothing. */
    private boolean initialized;
    /** The directory was listed after {@link #init}, held no snapshot, and none was recorded since. */
    private volatile boolean noneFound;

    @Override
    public void init(RaftStorage storage) throws IOException {
        super.init(storage);
        synchronized (this) {
            initialized = true;
        }
        loadLatestSnapshot();
    }

    @Override
    public SingleFileSnapshotInfo getLatestSnapshot() {
        return noneFound ? null : super.getLatestSnapshot();
    }

    @Override
    public synchronized SingleFileSnapshotInfo loadLatestSnapshot() {
        SingleFileSnapshotInfo found = super.loadLatestSnapshot();
        noneFound = initialized && found == null;
        return found;
    }

    @Override
    public synchronized SingleFileSnapshotInfo updateLatestSnapshot(SingleFileSnapshotInfo info) {
        SingleFileSnapshotInfo latest = super.updateLatestSnapshot(info);
        if (latest != null) {
            noneFound = false;
        }
        return latest;
    }
}
