package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The share-group changes of kafka-clients' Admin and of {@code kafka-share-groups.sh}:
 * resetting start offsets, deleting a topic's share state, deleting the group — each only for a
 * group without members, and never for a queue's own group; a refused change changes nothing.
 */
class ShareGroupAdminTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    TrilogHarness trilog;
    Admin admin;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "group.share.heartbeat.interval.ms", "500");
        admin = KafkaClients.admin(trilog.kafkaBootstrap());
    }

    @AfterEach
    void stop() {
        admin.close();
        trilog.close();
    }

    @Test
    void adminResetsDeletesOffsetsAndDeletesAnEmptyShareGroupAndRefusesAnActiveOne() throws Exception {
        admin.createTopics(List.of(new NewTopic("reset", 1, (short) 1))).all().get();
        ShareConsumerTest.produce(trilog.kafkaBootstrap(), "reset", 4);
        TopicPartition tp = new TopicPartition("reset", 0);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer("resetters")) {
            consumer.subscribe(List.of("reset"));
            awaitJoined().until(() -> {
                consumer.poll(Duration.ofMillis(100)); // implicit mode: the next poll acknowledges
                return startOffset("resetters", tp) == 4;
            });
            assertThat(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get())
                    .extracting(GroupListing::groupId).contains("resetters");

            assertThat(KafkaClients.failureOf(admin.alterShareGroupOffsets("resetters", Map.of(tp, 0L)).all()))
                    .isInstanceOf(GroupNotEmptyException.class);
            assertThat(KafkaClients.failureOf(admin.deleteShareGroupOffsets("resetters", Set.of("reset")).all()))
                    .isInstanceOf(GroupNotEmptyException.class);
            assertThat(KafkaClients.failureOf(admin.deleteShareGroups(List.of("resetters")).all()))
                    .isInstanceOf(GroupNotEmptyException.class);
            assertThat(startOffset("resetters", tp)).as("refused: nothing changed").isEqualTo(4);
        }

        admin.alterShareGroupOffsets("resetters", Map.of(tp, 1L)).all().get();
        assertThat(startOffset("resetters", tp)).isEqualTo(1);
        try (KafkaShareConsumer<String, String> again = shareConsumer("resetters")) {
            again.subscribe(List.of("reset"));
            assertThat(ShareConsumerTest.pollUntil(again, 3)).extracting(ConsumerRecord::value).containsExactly("m1", "m2", "m3");
            again.poll(Duration.ofMillis(200)); // acknowledges them
        }

        admin.deleteShareGroupOffsets("resetters", Set.of("reset")).all().get();
        assertThat(startOffset("resetters", tp)).as("a fresh share state starts at the earliest").isZero();

        admin.deleteShareGroups(List.of("resetters")).all().get();
        assertThat(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get())
                .extracting(GroupListing::groupId).doesNotContain("resetters");
        assertThat(KafkaClients.failureOf(admin.deleteShareGroups(List.of("resetters")).all()))
                .isInstanceOf(GroupIdNotFoundException.class);
    }

    @Test
    void aQueuesOwnShareGroupIsNeitherResetNorDeletedAndKeepsItsMessages() throws Exception {
        try (SqsClient sqs = SqsClients.sync(trilog)) {
            String url = sqs.createQueue(b -> b.queueName("jobs")).queueUrl();
            try (KafkaShareConsumer<String, String> consumer = shareConsumer("jobs")) {
                consumer.subscribe(List.of("jobs"));
                await().atMost(WAIT).until(() -> {
                    consumer.poll(Duration.ofMillis(100)); // the queue is empty: nothing to take
                    return admin.listGroups(ListGroupsOptions.forShareGroups()).all().get().stream()
                            .anyMatch(g -> g.groupId().equals("jobs"));
                });
            }
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("kept"));
            TopicPartition tp = new TopicPartition("jobs", 0);
            assertThat(KafkaClients.failureOf(admin.alterShareGroupOffsets("jobs", Map.of(tp, 1L)).all()))
                    .isInstanceOf(GroupNotEmptyException.class);
            assertThat(KafkaClients.failureOf(admin.deleteShareGroupOffsets("jobs", Set.of("jobs")).all()))
                    .isInstanceOf(GroupNotEmptyException.class);
            assertThat(KafkaClients.failureOf(admin.deleteShareGroups(List.of("jobs")).all()))
                    .isInstanceOf(GroupNotEmptyException.class);
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages())
                    .extracting(m -> m.body()).containsExactly("kept");
        }
    }

    @Test
    void kafkaShareGroupsToolDescribesResetsAndDeletes() throws Exception {
        String bootstrap = trilog.kafkaBootstrap();
        admin.createTopics(List.of(new NewTopic("tooled", 1, (short) 1))).all().get();
        ShareConsumerTest.produce(trilog.kafkaBootstrap(), "tooled", 3);
        TopicPartition tp = new TopicPartition("tooled", 0);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer("tool-group")) {
            consumer.subscribe(List.of("tooled"));
            awaitJoined().until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return startOffset("tool-group", tp) == 3;
            });
            KafkaCli.Result active = KafkaCli.run(KafkaCli.SHARE_GROUPS, null, "--bootstrap-server", bootstrap,
                    "--reset-offsets", "--to-earliest", "--execute", "--group", "tool-group", "--topic", "tooled");
            assertThat(startOffset("tool-group", tp)).as(active.output()).isEqualTo(3);
            KafkaCli.Result refusedDelete = KafkaCli.run(KafkaCli.SHARE_GROUPS, null, "--bootstrap-server",
                    bootstrap, "--delete", "--group", "tool-group");
            assertThat(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get())
                    .as(refusedDelete.output()).extracting(GroupListing::groupId).contains("tool-group");
        }

        KafkaCli.Result described = KafkaCli.run(KafkaCli.SHARE_GROUPS, null, "--bootstrap-server", bootstrap,
                "--describe", "--group", "tool-group");
        assertThat(described.exitCode()).as(described.output()).isZero();
        // GROUP TOPIC PARTITION LEADER-EPOCH START-OFFSET LAG
        String row = described.output().lines().filter(l -> l.trim().startsWith("tool-group ")).findFirst()
                .orElse("");
        assertThat(row.trim().split("\\s+")).as(described.output()).startsWith("tool-group", "tooled", "0")
                .contains("3");

        KafkaCli.Result reset = KafkaCli.run(KafkaCli.SHARE_GROUPS, null, "--bootstrap-server", bootstrap,
                "--reset-offsets", "--to-earliest", "--execute", "--group", "tool-group", "--topic", "tooled");
        assertThat(reset.exitCode()).as(reset.output()).isZero();
        assertThat(startOffset("tool-group", tp)).as(reset.output()).isZero();

        KafkaCli.Result deleted = KafkaCli.run(KafkaCli.SHARE_GROUPS, null, "--bootstrap-server", bootstrap,
                "--delete", "--group", "tool-group");
        assertThat(deleted.exitCode()).as(deleted.output()).isZero();
        assertThat(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get())
                .extracting(GroupListing::groupId).doesNotContain("tool-group");
    }

    @Test
    void theLagIsWhatIsNotYetDoneFromTheStartOffsetToTheEnd() throws Exception {
        admin.createTopics(List.of(new NewTopic("lagging", 1, (short) 1))).all().get();
        ShareConsumerTest.produce(trilog.kafkaBootstrap(), "lagging", 5);
        TopicPartition tp = new TopicPartition("lagging", 0);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer("lag-group")) {
            consumer.subscribe(List.of("lagging"));
            awaitJoined().until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return startOffset("lag-group", tp) == 5;
            });
            assertThat(offsetInfo("lag-group", tp).lag()).as("everything accepted").contains(0L);
        }
        ShareConsumerTest.produce(trilog.kafkaBootstrap(), "lagging", 3);

        SharePartitionOffsetInfo info = offsetInfo("lag-group", tp);
        assertThat(info.startOffset()).isEqualTo(5);
        assertThat(info.lag()).contains(3L);
        KafkaCli.Result described = KafkaCli.run(KafkaCli.SHARE_GROUPS, null, "--bootstrap-server",
                trilog.kafkaBootstrap(), "--describe", "--group", "lag-group");
        assertThat(described.exitCode()).as(described.output()).isZero();
        // GROUP TOPIC PARTITION LEADER-EPOCH START-OFFSET LAG
        String row = described.output().lines().filter(l -> l.trim().startsWith("lag-group ")).findFirst()
                .orElse("");
        String[] columns = row.trim().split("\\s+");
        assertThat(columns).as(described.output()).startsWith("lag-group", "lagging", "0");
        assertThat(columns[columns.length - 2]).as(described.output()).isEqualTo("5");
        assertThat(columns[columns.length - 1]).as(described.output()).isEqualTo("3");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * An await while the consumer's first polls join the group: until its first heartbeat the
     * group has had no member, and DescribeShareGroupOffsets answers GROUP_ID_NOT_FOUND (a loaded
     * machine can take longer than one poll to get there).
     */
    private static org.awaitility.core.ConditionFactory awaitJoined() {
        return await().atMost(WAIT).ignoreExceptionsMatching(e -> e.getCause() instanceof GroupIdNotFoundException);
    }

    private long startOffset(String group, TopicPartition tp) throws Exception {
        return startOffset(admin, group, tp);
    }

    /** The group's share-partition start offset of {@code tp}, −1 when it has none. */
    static long startOffset(Admin admin, String group, TopicPartition tp) throws Exception {
        SharePartitionOffsetInfo info = offsetInfo(admin, group, tp);
        return info == null ? -1 : info.startOffset();
    }

    private SharePartitionOffsetInfo offsetInfo(String group, TopicPartition tp) throws Exception {
        return offsetInfo(admin, group, tp);
    }

    private static SharePartitionOffsetInfo offsetInfo(Admin admin, String group, TopicPartition tp) throws Exception {
        return admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec().topicPartitions(List.of(tp))))
                .partitionsToOffsetInfo(group).get().get(tp);
    }

    private KafkaShareConsumer<String, String> shareConsumer(String group) {
        return ShareConsumerTest.shareConsumer(trilog.kafkaBootstrap(), group, "implicit");
    }
}
