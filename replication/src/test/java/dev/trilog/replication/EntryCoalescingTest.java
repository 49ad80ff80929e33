package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.AppendResult;
import dev.trilog.log.record.BatchError;
import dev.trilog.log.record.InvalidBatchException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

/**
 * A group's leader sends one entry at a time: the batches that come while it is committed go
 * together as the next entry, in the order they came, and each gets its own reply.
 */
class EntryCoalescingTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    /** Entries handed to the "server", each answered when the test says. */
    private final List<LogCommand> handed = new ArrayList<>();
    private final List<CompletableFuture<RaftClientReply>> answers = new ArrayList<>();
    private final List<Long> appliedAsked = new ArrayList<>();
    private final EntryCoalescing coalescing = new EntryCoalescing(message -> {
        handed.add(LogCommand.decode(message.getContent()));
        CompletableFuture<RaftClientReply> answer = new CompletableFuture<>();
        answers.add(answer);
        return answer;
    }, index -> {
        appliedAsked.add(index);
        return CompletableFuture.completedFuture(null);
    });

    private static LogCommand.Append batch(String value) {
        return new LogCommand.Append(TP, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)), Uuid.ZERO_UUID, 1,
                Map.of(), LogCommand.ANY_EPOCH);
    }

    private static String value(LogCommand.Append append) {
        return StandardCharsets.UTF_8.decode(append.batch().duplicate()).toString();
    }

    private static AppendResult landed(long offset) {
        return new AppendResult(offset, offset, -1, 0, 1, CompletableFuture.completedFuture(null));
    }

    private static RaftClientReply reply(long index, byte[] content) {
        return RaftClientReply.newBuilder().setClientId(ClientId.randomId()).setServerId(RaftPeerId.valueOf("n1"))
                .setGroupId(RaftGroupId.randomId()).setCallId(index).setSuccess()
                .setMessage(Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(content)))
                .setLogIndex(index).build();
    }

    @Test
    void batchesThatComeWhileAnEntryIsCommittedGoTogetherAsTheNextInOrderEachWithItsOwnReply() {
        CompletableFuture<AppendResult> first = coalescing.send(LogCommand.encode(batch("a")));
        CompletableFuture<AppendResult> second = coalescing.send(LogCommand.encode(batch("b")));
        CompletableFuture<AppendResult> third = coalescing.send(LogCommand.encode(batch("c")));
        CompletableFuture<AppendResult> fourth = coalescing.send(LogCommand.encode(batch("d")));

        assertThat(handed).hasSize(1); // the others wait for the first entry
        assertThat(value((LogCommand.Append) handed.get(0))).isEqualTo("a");

        answers.get(0).complete(reply(7, LogCommand.encodeResult(landed(0))));

        assertThat(first.join().firstOffset()).isZero();
        assertThat(handed).hasSize(2);
        LogCommand.Appends next = (LogCommand.Appends) handed.get(1);
        assertThat(next.appends()).extracting(EntryCoalescingTest::value).containsExactly("b", "c", "d");
        assertThat(second).isNotDone();

        answers.get(1).complete(reply(8, LogCommand.encodeReplies(List.of(LogCommand.encodeResult(landed(1)),
                LogCommand.encodeFailure(new InvalidBatchException(BatchError.OUT_OF_ORDER_SEQUENCE, "seen")),
                LogCommand.encodeResult(landed(2))))));

        assertThat(second.join().firstOffset()).isEqualTo(1);
        assertThatThrownBy(third::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(InvalidBatchException.class);
        assertThat(fourth.join().firstOffset()).isEqualTo(2);
        assertThat(appliedAsked).containsExactly(7L, 8L); // each answered once applied on this node
    }

    @Test
    void anEntryTheServerRefusesFailsEachOfItsBatchesAndTheNextEntryStillGoes() {
        coalescing.send(LogCommand.encode(batch("a")));
        CompletableFuture<AppendResult> second = coalescing.send(LogCommand.encode(batch("b")));
        CompletableFuture<AppendResult> third = coalescing.send(LogCommand.encode(batch("c")));
        answers.get(0).complete(reply(1, LogCommand.encodeResult(landed(0))));

        answers.get(1).completeExceptionally(new NotLeaderOrFollowerException("stepped down"));

        assertThatThrownBy(second::join).hasCauseInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(third::join).hasCauseInstanceOf(NotLeaderOrFollowerException.class);
        CompletableFuture<AppendResult> later = coalescing.send(LogCommand.encode(batch("d")));
        assertThat(handed).hasSize(3);
        answers.get(2).complete(reply(2, LogCommand.encodeResult(landed(1))));
        assertThat(later.join().firstOffset()).isEqualTo(1);
    }

    @Test
    void anEntryIsCutOnceItsBatchesWouldPassTheLimitTheRestGoNext() {
        coalescing.send(LogCommand.encode(batch("first")));
        byte[] half = new byte[EntryCoalescing.MAX_ENTRY_BYTES / 2 - 100]; // with its fields, two fit and three do not
        for (int i = 0; i < 3; i++) {
            coalescing.send(LogCommand.encode(new LogCommand.Append(TP, ByteBuffer.wrap(half), Uuid.ZERO_UUID, 1,
                    Map.of(), LogCommand.ANY_EPOCH)));
        }
        answers.get(0).complete(reply(1, LogCommand.encodeResult(landed(0))));

        assertThat(handed).hasSize(2);
        assertThat(((LogCommand.Appends) handed.get(1)).appends()).hasSize(2); // a third would pass the limit
        answers.get(1).complete(reply(2, LogCommand.encodeReplies(List.of(LogCommand.encodeResult(landed(1)),
                LogCommand.encodeResult(landed(2))))));
        assertThat(handed).hasSize(3);
        assertThat(handed.get(2)).isInstanceOf(LogCommand.Append.class);
    }
}
