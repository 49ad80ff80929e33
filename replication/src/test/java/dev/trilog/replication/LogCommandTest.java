package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Several appends in one Raft entry come out of it as they went in, and so do their replies. */
class LogCommandTest {

    @Test
    void appendsInOneEntryDecodeAsTheyWereEachWithItsOwnFields() {
        Uuid id = Uuid.randomUuid();
        LogCommand.Append plain = new LogCommand.Append(new TopicPartition("t", 1),
                ByteBuffer.wrap("first".getBytes(StandardCharsets.UTF_8)), id, 3, Map.of("retention.ms", "5"),
                LogCommand.ANY_EPOCH);
        LogCommand.Append fenced = new LogCommand.Append(new TopicPartition("t", 1),
                ByteBuffer.wrap("second batch".getBytes(StandardCharsets.UTF_8)), id, 3, Map.of(), 42);

        LogCommand decoded = LogCommand.decode(LogCommand.encode(new LogCommand.Appends(List.of(plain, fenced))));

        List<LogCommand.Append> appends = ((LogCommand.Appends) decoded).appends();
        assertThat(appends).hasSize(2);
        assertThat(appends.get(0).batch()).isEqualTo(ByteBuffer.wrap("first".getBytes(StandardCharsets.UTF_8)));
        assertThat(appends.get(0).topicConfigs()).isEqualTo(Map.of("retention.ms", "5"));
        assertThat(appends.get(0).servingEpoch()).isEqualTo(LogCommand.ANY_EPOCH);
        assertThat(appends.get(1).batch()).isEqualTo(ByteBuffer.wrap("second batch".getBytes(StandardCharsets.UTF_8)));
        assertThat(appends.get(1).servingEpoch()).isEqualTo(42);
        assertThat(appends).allSatisfy(a -> {
            assertThat(a.partition()).isEqualTo(new TopicPartition("t", 1));
            assertThat(a.topicId()).isEqualTo(id);
            assertThat(a.topicPartitions()).isEqualTo(3);
        });
    }

    @Test
    void repliesTogetherComeApartInTheirOrder() {
        byte[] ok = LogCommand.encodeResult(new dev.trilog.log.AppendResult(5, 9, -1, 0, 5,
                java.util.concurrent.CompletableFuture.completedFuture(null)));
        byte[] refused = LogCommand.encodeFailure(new IllegalArgumentException("no"));

        List<byte[]> replies = LogCommand.decodeReplies(LogCommand.encodeReplies(List.of(ok, refused)));

        assertThat(replies).containsExactly(ok, refused);
        assertThat(LogCommand.decodeReply(replies.get(0)).lastOffset()).isEqualTo(9);
    }
}
