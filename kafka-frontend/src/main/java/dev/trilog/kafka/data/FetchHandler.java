package dev.trilog.kafka.data;

import dev.trilog.kafka.data.FetchSession.FetchTarget;
import dev.trilog.kafka.data.FetchSession.PartitionKey;
import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.NamedTopic;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.kafka.records.KafkaRecords;
import dev.trilog.log.LogSlice;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.segment.AbortedTransaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetch: each partition's records as a slice of its segment file, written to the socket
 * zero-copy. When less than {@code fetch.min.bytes} is there, the request waits (up to
 * {@code fetch.max.wait.ms}) as a {@link DelayedFetch}, which an append to any of its
 * partitions wakes.
 *
 * <p>Incremental fetch sessions (KIP-227, {@link FetchSessions}): a consumer's full fetch opens a
 * session, and its later requests name only the partitions that changed while every partition
 * of the session is read; the response leaves out those with nothing new. What is left out never
 * held records, so every slice still goes out zero-copy. A read_committed fetch stops at the last
 * stable offset and lists the aborted transactions among the records it returns, so the client
 * drops their records.
 */
final class FetchHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FetchHandler.class);

    private final KafkaContext context;
    private final FetchSessions sessions;

    FetchHandler(KafkaContext context, FetchSessions sessions) {
        this.context = context;
        this.sessions = sessions;
    }

    /** One partition to read, resolved to its log (null when unknown, with the error to answer). */
    private record Wanted(FetchTarget target, PartitionLog log, Errors unknownError) {
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        FetchRequest body = (FetchRequest) request.body();
        FetchRequestData data = body.data();
        FetchSessions.Context session = sessions.open(body, request.version());
        List<Wanted> wanted = resolve(session.targets(), request.version() >= 13);
        int maxBytes = request.version() >= 3 ? data.maxBytes() : Integer.MAX_VALUE;
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        FetchAttempt first = read(wanted, maxBytes, readCommitted, session);
        if (first.bytes() >= data.minBytes() || data.maxWaitMs() <= 0 || first.errors() || wanted.isEmpty()) {
            return CompletableFuture.completedFuture(first.reply());
        }
        first.release();
        List<PartitionLog> logs = wanted.stream().map(Wanted::log).toList();
        return new DelayedFetch(logs, () -> read(wanted, maxBytes, readCommitted, session), data.minBytes(),
                context.timer()).start(data.maxWaitMs());
    }

    private List<Wanted> resolve(List<FetchTarget> targets, boolean byId) {
        List<Wanted> wanted = new ArrayList<>(targets.size());
        PartitionKey topicOf = null;
        NamedTopic found = null;
        for (FetchTarget target : targets) {
            PartitionKey key = target.key();
            if (!key.sameTopic(topicOf)) { // a session's partitions come topic by topic: one lookup each
                found = context.topics().resolve(byId, key.topic(), key.topicId());
                topicOf = key;
            }
            Errors unknown = found.check(key.partition());
            if (unknown == Errors.NONE && !context.routing().leadsHere(found.partition(key.partition()))) {
                unknown = Errors.NOT_LEADER_OR_FOLLOWER; // consumers read from the partition's leader
            }
            PartitionLog log = unknown == Errors.NONE ? context.engine().partition(found.partition(key.partition()))
                    : null;
            wanted.add(new Wanted(target, log, unknown == Errors.NONE ? Errors.UNKNOWN_TOPIC_OR_PARTITION : unknown));
        }
        return wanted;
    }

    private FetchAttempt read(List<Wanted> wanted, int maxBytes, boolean readCommitted,
            FetchSessions.Context session) {
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code());
        List<AutoCloseable> slices = new ArrayList<>();
        long bytes = 0;
        boolean errors = false;
        FetchableTopicResponse current = null;
        PartitionKey currentTopic = null;
        for (Wanted w : wanted) {
            PartitionKey key = w.target().key();
            if (!key.sameTopic(currentTopic)) {
                currentTopic = key;
                current = new FetchableTopicResponse().setTopicId(key.topicId());
                if (key.topic() != null) {
                    current.setTopic(key.topic());
                }
                response.responses().add(current);
            }
            PartitionData partition = new PartitionData().setPartitionIndex(key.partition())
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
            int limit = (int) Math.min(w.target().maxBytes(), Math.max(0, maxBytes - bytes));
            if (limit <= 0 && bytes > 0) {
                continue;
            }
            try {
                long offset = w.target().fetchOffset();
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
                // the consumer will reset its position (auto.offset.reset): worth a trace when one jumps
                LOG.debug("Fetch of {}: {}", log.topicPartition(), e.getMessage());
                partition.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                errors = true;
            } catch (IOException e) {
                partition.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                errors = true;
            }
        }
        return new FetchAttempt(response, slices, bytes, errors, session);
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
