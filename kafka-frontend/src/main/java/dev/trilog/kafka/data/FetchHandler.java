package dev.trilog.kafka.data;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.NamedTopic;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.kafka.records.KafkaRecords;
import dev.trilog.log.LogSlice;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.segment.AbortedTransaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * Fetch: each partition's records as a slice of its segment file, written to the socket
 * zero-copy. When less than {@code fetch.min.bytes} is there, the request waits (up to
 * {@code fetch.max.wait.ms}) as a {@link DelayedFetch}, which an append to any of its
 * partitions wakes.
 *
 * <p>Fetch sessions (KIP-227) are declined: the answer's session id is 0, so clients send full
 * requests. A read_committed fetch stops at the last stable offset and lists the aborted
 * transactions among the records it returns, so the client drops their records.
 */
final class FetchHandler implements ApiHandler {

    private final KafkaContext context;

    FetchHandler(KafkaContext context) {
        this.context = context;
    }

    /** One partition the request asks for, resolved to its log (null when unknown). */
    private record Wanted(FetchRequestData.FetchTopic topic, String name, PartitionLog log,
            FetchRequestData.FetchPartition partition, Errors unknownError) {
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        FetchRequestData data = ((FetchRequest) request.body()).data();
        List<Wanted> wanted = resolve(data);
        int maxBytes = request.version() >= 3 ? data.maxBytes() : Integer.MAX_VALUE;
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        FetchAttempt first = read(wanted, maxBytes, readCommitted);
        if (first.bytes() >= data.minBytes() || data.maxWaitMs() <= 0 || first.errors() || wanted.isEmpty()) {
            return CompletableFuture.completedFuture(first.reply());
        }
        first.release();
        List<PartitionLog> logs = wanted.stream().map(Wanted::log).toList();
        return new DelayedFetch(logs, () -> read(wanted, maxBytes, readCommitted), data.minBytes(), context.timer())
                .start(data.maxWaitMs());
    }

    private List<Wanted> resolve(FetchRequestData data) {
        List<Wanted> wanted = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            NamedTopic found = context.topics().resolve(topic.topic(), topic.topicId());
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                Errors unknown = found.check(partition.partition());
                PartitionLog log = unknown == Errors.NONE ? context.engine().partition(found.partition(partition.partition()))
                        : null;
                wanted.add(new Wanted(topic, found.topic().map(Topic::name).orElse(topic.topic()), log, partition,
                        unknown == Errors.NONE ? Errors.UNKNOWN_TOPIC_OR_PARTITION : unknown));
            }
        }
        return wanted;
    }

    private FetchAttempt read(List<Wanted> wanted, int maxBytes, boolean readCommitted) {
        FetchResponseData response = new FetchResponseData().setSessionId(0).setErrorCode(Errors.NONE.code());
        List<AutoCloseable> slices = new ArrayList<>();
        long bytes = 0;
        boolean errors = false;
        FetchableTopicResponse current = null;
        FetchRequestData.FetchTopic currentTopic = null;
        for (Wanted w : wanted) {
            if (w.topic() != currentTopic) {
                currentTopic = w.topic();
                current = new FetchableTopicResponse().setTopic(w.topic().topic()).setTopicId(w.topic().topicId());
                response.responses().add(current);
            }
            PartitionData partition = new PartitionData().setPartitionIndex(w.partition().partition())
                    .setRecords(KafkaRecords.empty())
                    .setAbortedTransactions(readCommitted ? new ArrayList<>() : null);
            current.partitions().add(partition);
            if (w.log() == null) {
                partition.setErrorCode(w.unknownError().code()).setHighWatermark(-1).setLastStableOffset(-1)
                        .setLogStartOffset(-1);
                errors = true;
                continue;
            }
            PartitionLog log = w.log();
            long lastStable = log.lastStableOffset(); // before the high watermark: never above it
            partition.setHighWatermark(log.highWatermark()).setLastStableOffset(lastStable)
                    .setLogStartOffset(log.logStartOffset());
            int limit = (int) Math.min(w.partition().partitionMaxBytes(), Math.max(0, maxBytes - bytes));
            if (limit <= 0 && bytes > 0) {
                continue;
            }
            try {
                long offset = w.partition().fetchOffset();
                LogSlice slice = readCommitted ? log.readCommitted(offset, limit, bytes == 0, lastStable)
                        : log.read(offset, limit, bytes == 0);
                if (!slice.isEmpty()) {
                    slices.add(slice);
                    partition.setRecords(KafkaRecords.zeroCopy(slice));
                    bytes += slice.length();
                    if (readCommitted) {
                        partition.setAbortedTransactions(abortedTransactions(log, offset, lastStable));
                    }
                }
            } catch (OffsetOutOfRangeException e) {
                partition.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                errors = true;
            } catch (IOException e) {
                partition.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                errors = true;
            }
        }
        return new FetchAttempt(response, slices, bytes, errors);
    }

    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(PartitionLog log, long from,
            long upTo) {
        List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>();
        for (AbortedTransaction a : log.abortedTransactions(from, upTo)) {
            aborted.add(new FetchResponseData.AbortedTransaction().setProducerId(a.producerId())
                    .setFirstOffset(a.firstOffset()));
        }
        return aborted;
    }

}
