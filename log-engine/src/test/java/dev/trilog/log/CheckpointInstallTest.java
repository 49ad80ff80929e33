package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.record.RecordData;
import dev.trilog.log.record.RecordFormat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LogEngine.Replica#install} over an engine that holds an earlier state of the same
 * history (a replica that applied less than the checkpoint holds), as a cluster's metadata group
 * installs it: only the internal logs' files travel, the topics' partitions being their own
 * groups' state; the installing engine's stores follow its internal logs, as a cluster node's do.
 */
class CheckpointInstallTest {

    private static final Uuid DOOMED = Uuid.randomUuid();
    private static final Uuid REBORN = Uuid.randomUuid();
    private static final Uuid REBORN_AGAIN = Uuid.randomUuid();
    private static final Uuid GROWS = Uuid.randomUuid();
    private static final Uuid FRESH = Uuid.randomUuid();
    private static final TopicPartition ORDERS = new TopicPartition("grows", 0);

    @TempDir
    Path dir;

    /** What every replica applied first: three topics, two groups' offsets, two queues. */
    private static void earlierHistory(LogEngine engine) throws Exception {
        LogEngine.Replica replica = engine.replica();
        replica.createTopic(new Topic("doomed", DOOMED, 1, Map.of()));
        replica.createTopic(new Topic("reborn", REBORN, 1, Map.of()));
        replica.createTopic(new Topic("grows", GROWS, 1, Map.of()));
        engine.groupOffsets().commit("billing", Map.of(ORDERS, new CommittedOffset(7, 0, "", 1_000L)));
        engine.groupOffsets().commit("gone", Map.of(ORDERS, new CommittedOffset(3, 0, "", 1_000L)));
        engine.queueStateMap("queues").put("kept", bytes("q1"));
        engine.queueStateMap("queues").put("deleted-later", bytes("q2"));
    }

    /** What the leader applied since: a topic deleted, one deleted and created again, one grown and reconfigured, one created. */
    private static void laterHistory(LogEngine engine) throws Exception {
        LogEngine.Replica replica = engine.replica();
        replica.deleteTopic("doomed", DOOMED);
        replica.deleteTopic("reborn", REBORN);
        replica.createTopic(new Topic("reborn", REBORN_AGAIN, 2, Map.of()));
        replica.createPartitions("grows", GROWS, 3);
        replica.alterTopicConfig("grows", GROWS, Map.of("retention.ms", "123456789"));
        replica.createTopic(new Topic("fresh", FRESH, 1, Map.of()));
        engine.groupOffsets().commit("billing", Map.of(ORDERS, new CommittedOffset(9, 0, "later", 2_000L)));
        engine.groupOffsets().deleteGroup("gone");
        engine.queueStateMap("queues").remove("deleted-later");
        engine.queueStateMap("queues").put("declared-later", bytes("q3"));
    }

    /** The leader's checkpoint of its internal logs, copied as a fetch copies it: each file at its recorded length. */
    private EngineCheckpoint checkpointOf(LogEngine engine, Path files) throws IOException {
        Path links = dir.resolve("links-" + files.getFileName());
        EngineCheckpoint checkpoint = engine.checkpoint(links, tp -> tp.topic().startsWith(LogEngine.RESERVED_PREFIX));
        for (EngineCheckpoint.File file : checkpoint.files()) {
            Path target = files.resolve(file.path());
            Files.createDirectories(target.getParent());
            try (FileChannel from = FileChannel.open(links.resolve(file.path()));
                    FileChannel to = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                from.transferTo(0, file.length(), to);
            }
        }
        return checkpoint;
    }

    @Test
    void anEngineThatAppliedAnEarlierStateEndsHoldingTheCheckpointsStateAndItsOwnPartitions() throws Exception {
        try (LogEngine leader = LogEngine.open(EngineSettings.of(dir.resolve("leader")));
                LogEngine behind = LogEngine.open(EngineSettings.of(dir.resolve("behind")))) {
            behind.replaceAppender(local -> local); // its stores follow its internal logs, as a cluster node's do
            earlierHistory(leader);
            earlierHistory(behind);
            behind.appender().append(ORDERS, RecordFormat.build(0, "none",
                    List.of(RecordData.of(1_000, null, bytes("record"))))).join();
            laterHistory(leader);
            long queuesBefore = behind.queueStateMap("queues").version();

            behind.replica().install(checkpointOf(leader, dir.resolve("copy-1")), dir.resolve("copy-1"));

            assertThat(new HashSet<>(behind.topics())).isEqualTo(new HashSet<>(leader.topics()));
            assertThat(behind.partition(new TopicPartition("doomed", 0))).isNull();
            assertThat(behind.partition(ORDERS).logEndOffset()).as("a partition of a topic in both, untouched")
                    .isEqualTo(1);
            assertThat(behind.partition(new TopicPartition("grows", 2))).isNotNull();
            assertThat(behind.topicConfig("grows").orElseThrow().retentionMs()).isEqualTo(123456789L);
            assertThat(behind.groupOffsets().groups()).isEqualTo(leader.groupOffsets().groups())
                    .containsExactly("billing");
            assertThat(behind.groupOffsets().fetchAll("billing")).isEqualTo(leader.groupOffsets().fetchAll("billing"));
            assertThat(behind.queueStateMap("queues").all()).containsOnlyKeys("kept", "declared-later");
            assertThat(behind.queueStateMap("queues").version() - queuesBefore)
                    .as("one entry each for the queue removed and the one declared; the one alike not written again")
                    .isEqualTo(2);

            // an install cut off and run again at the next start changes nothing it did already
            long queuesInstalled = behind.queueStateMap("queues").version();
            behind.replica().install(checkpointOf(leader, dir.resolve("copy-2")), dir.resolve("copy-2"));
            assertThat(behind.queueStateMap("queues").version()).isEqualTo(queuesInstalled);
            assertThat(new HashSet<>(behind.topics())).isEqualTo(new HashSet<>(leader.topics()));
            assertThat(behind.partition(ORDERS).logEndOffset()).isEqualTo(1);
        }
        try (LogEngine reopened = LogEngine.open(EngineSettings.of(dir.resolve("behind")))) {
            assertThat(reopened.groupOffsets().groups()).containsExactly("billing");
            assertThat(reopened.groupOffsets().fetch("billing", ORDERS).orElseThrow().offset()).isEqualTo(9);
            assertThat(reopened.queueStateMap("queues").all()).containsOnlyKeys("kept", "declared-later");
            assertThat(reopened.topic("reborn").orElseThrow().id()).isEqualTo(REBORN_AGAIN);
        }
    }

    @Test
    void anEngineThatCannotBeAnEarlierStateOfTheCheckpointIsRefusedAndLeftAsItWas() throws Exception {
        try (LogEngine leader = LogEngine.open(EngineSettings.of(dir.resolve("leader")));
                LogEngine other = LogEngine.open(EngineSettings.of(dir.resolve("other")))) {
            earlierHistory(leader);
            laterHistory(leader);
            other.replica().createTopic(new Topic("doomed", DOOMED, 1, Map.of()));
            other.replica().createTopic(new Topic("grows", GROWS, 5, Map.of())); // more partitions than ever after
            List<Topic> before = List.copyOf(other.topics());

            assertThatThrownBy(() -> other.replica().install(checkpointOf(leader, dir.resolve("copy")),
                    dir.resolve("copy"))).isInstanceOf(NotAnEarlierStateException.class).hasMessageContaining("grows");
            assertThat(new HashSet<>(other.topics())).isEqualTo(new HashSet<>(before));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
