package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.StorageImplUtils;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFilesTest {

    @TempDir
    Path dir;

    /**
     * Asked again and again while it has no snapshot (a follower asks for every appendEntries), the
     * storage does not list its directory again: a file put there behind its back stays unseen
     * until the directory is listed on purpose or a snapshot is recorded.
     */
    @Test
    void aGroupWithoutSnapshotIsNotLookedForAgainOnEveryQuestion() throws Exception {
        SnapshotFiles snapshots = withoutSnapshot();

        File unseen = snapshots.getSnapshotFile(1, 41);
        Files.write(unseen.toPath(), new byte[8]);

        assertThat(snapshots.getLatestSnapshot()).isNull();
        assertThat(snapshots.loadLatestSnapshot().getIndex()).isEqualTo(41);
        assertThat(snapshots.getLatestSnapshot().getIndex()).isEqualTo(41);
    }

    @Test
    void aSnapshotRecordedAfterNoneWasFoundIsTheLatestAtOnce() throws Exception {
        SnapshotFiles snapshots = withoutSnapshot();

        File file = snapshots.getSnapshotFile(2, 7);
        Files.write(file.toPath(), new byte[8]);
        snapshots.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), null), TermIndex.valueOf(2, 7)));

        assertThat(snapshots.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(2, 7));
    }

    /** A node restarted with a snapshot on disk finds it at its start, as Ratis' own storage does. */
    @Test
    void aSnapshotOnDiskAtTheStartIsFound() throws Exception {
        RaftStorage storage = storage();
        Files.write(storage.getStorageDir().getStateMachineDir().toPath()
                .resolve(SnapshotFiles.getSnapshotFileName(3, 12)), new byte[8]);

        SnapshotFiles snapshots = new SnapshotFiles();
        snapshots.init(storage);

        assertThat(snapshots.getLatestSnapshot().getTermIndex()).isEqualTo(TermIndex.valueOf(3, 12));
    }

    /** Started on an empty state-machine directory: it knows of no snapshot. */
    private SnapshotFiles withoutSnapshot() throws Exception {
        SnapshotFiles snapshots = new SnapshotFiles();
        snapshots.init(storage());
        assertThat(snapshots.getLatestSnapshot()).isNull();
        return snapshots;
    }

    private RaftStorage storage() throws Exception {
        var storage = StorageImplUtils.newRaftStorage(dir.toFile(), SizeInBytes.ZERO,
                RaftStorage.StartupOption.FORMAT, RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION);
        storage.initialize();
        return storage;
    }
}
