package dev.trilog.kafka.share;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.kafka.records.KafkaRecords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.internals.ShareAcquireMode;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareFetchRequest;
import org.apache.kafka.common.requests.ShareFetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ShareFetch: continues (or opens, or closes) the member's share session, applies the
 * acknowledgements the request carries, then acquires records for the member from the session's
 * partitions — waiting up to {@code MaxWaitMs} for some ({@link ShareFetchWait}) — and answers
 * them as the log batches they are in plus the acquired offset ranges with their delivery counts,
 * once the acknowledgements and the acquisitions are durable (one share-state write for both).
 */
final class ShareFetchHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(ShareFetchHandler.class);

    /** The most records one fetch acquires, whatever it asks (Kafka's max.poll.records is 500 by default). */
    static final int MAX_RECORDS = 10_000;

    private final KafkaContext context;
    private final ShareGroups groups;
    private final ShareSessions sessions;
    private final ShareSources sources;
    private final GroupConfigs configs;

    ShareFetchHandler(KafkaContext context, ShareGroups groups, ShareSessions sessions, ShareSources sources,
            GroupConfigs configs) {
        this.context = context;
        this.groups = groups;
        this.sessions = sessions;
        this.sources = sources;
        this.configs = configs;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        ShareFetchRequestData data = ((ShareFetchRequest) request.body()).data();
        if (data.groupId() == null || data.groupId().isEmpty() || data.memberId() == null
                || data.memberId().isEmpty()) {
            return error(Errors.INVALID_REQUEST);
        }
        if (!groups.isMember(data.groupId(), data.memberId())) {
            return error(Errors.UNKNOWN_MEMBER_ID);
        }
        ShareSessions.Lookup lookup = sessions.lookup(data.groupId(), data.memberId(), data.shareSessionEpoch(), true);
        if (lookup.error() != Errors.NONE) {
            return error(lookup.error());
        }
        ShareSession session = lookup.session();
        Set<SharePartition> named = new LinkedHashSet<>();
        Map<SharePartition, List<ShareAcknowledgements.Batch>> acks = new LinkedHashMap<>();
        synchronized (session) {
            for (ShareFetchRequestData.FetchTopic topic : data.topics()) {
                for (ShareFetchRequestData.FetchPartition p : topic.partitions()) {
                    SharePartition partition = partition(topic.topicId(), p.partitionIndex());
                    named.add(partition);
                    session.partitions.add(partition);
                    List<ShareAcknowledgements.Batch> batches = new ArrayList<>();
                    for (ShareFetchRequestData.AcknowledgementBatch b : p.acknowledgementBatches()) {
                        batches.add(new ShareAcknowledgements.Batch(b.firstOffset(), b.lastOffset(), b.acknowledgeTypes()));
                    }
                    acks.put(partition, batches);
                }
            }
            for (ShareFetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
                for (int index : topic.partitions()) {
                    session.partitions.remove(partition(topic.topicId(), index));
                }
            }
        }
        int lockMs = configs.of(data.groupId()).recordLockDurationMs();
        long now = context.engine().settings().clock().millis();
        session.forgetExpired(now);
        boolean closing = data.shareSessionEpoch() == -1;
        boolean acquiring = !closing && !data.isRenewAck(); // a renewing fetch acquires nothing (KIP-1222)
        CompletableFuture<Map<SharePartition, Errors>> acknowledged;
        CompletableFuture<Map<SharePartition, ShareFetchRead.Fetched>> fetched;
        // The acknowledgements are applied (in memory) before anything is acquired, so what they
        // release can be acquired again at once; their state and the acquisitions' go to the
        // share-state journal as one write, and the answer waits for both to be durable.
        try (var oneWrite = context.engine().batchShareStateWrites()) {
            acknowledged = ShareAcknowledgements.apply(session, sources, acks, lockMs, data.isRenewAck(), now);
            if (acquiring) {
                int maxRecords = data.maxRecords() > 0 ? Math.min(data.maxRecords(), MAX_RECORDS) : MAX_RECORDS;
                int maxBytes = data.maxBytes() > 0 ? data.maxBytes() : Integer.MAX_VALUE;
                ShareFetchRead read = new ShareFetchRead(session, sources, maxRecords, maxBytes, lockMs,
                        context.engine().settings().clock(),
                        // batch-optimized (v2's default, and v1's only mode) may exceed MaxRecords to a batch's end
                        data.shareAcquireMode() != ShareAcquireMode.RECORD_LIMIT.id(),
                        context.routing()::holdsCopy);
                fetched = new ShareFetchWait(read, context.timer()).start(Math.max(0, data.maxWaitMs()));
            } else {
                fetched = CompletableFuture.completedFuture(Map.of());
            }
        }
        return fetched.thenCompose(got -> acknowledged.handle((ackErrors, failure) -> {
            if (failure != null) {
                ShareFetchRead.Fetched.closeAll(got.values()); // not answered: the slices are not sent
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            if (closing) {
                sessions.close(session);
            }
            return reply(named, ackErrors, got, lockMs);
        })).exceptionally(failure -> errorReply(errorFor(failure)));
    }

    /** The response: every partition the request named or records were acquired from. */
    private Reply reply(Set<SharePartition> named, Map<SharePartition, Errors> ackErrors,
            Map<SharePartition, ShareFetchRead.Fetched> fetched, int lockMs) {
        Set<SharePartition> partitions = new LinkedHashSet<>(named);
        partitions.addAll(fetched.keySet());
        partitions.addAll(ackErrors.keySet());
        LinkedHashMap<TopicIdPartition, ShareFetchResponseData.PartitionData> answers = new LinkedHashMap<>();
        List<AutoCloseable> slices = new ArrayList<>();
        var placement = context.routing().placement();
        for (SharePartition partition : partitions) {
            ShareFetchResponseData.PartitionData answer = new ShareFetchResponseData.PartitionData()
                    .setPartitionIndex(partition.partition())
                    .setAcknowledgeErrorCode(ackErrors.getOrDefault(partition, Errors.NONE).code())
                    .setCurrentLeader(new ShareFetchResponseData.LeaderIdAndEpoch().setLeaderId(placement.leader())
                            .setLeaderEpoch(placement.leaderEpoch()));
            ShareFetchRead.Fetched got = fetched.get(partition);
            if (got == null) {
                answer.setRecords(KafkaRecords.empty());
            } else {
                answer.setErrorCode(got.error().code()).setRecords(KafkaRecords.zeroCopy(got.batches()))
                        .setAcquiredRecords(got.acquired());
                slices.addAll(got.batches());
            }
            // the name is not sent (the share APIs name topics by ID); the key only groups by topic
            answers.put(new TopicIdPartition(partition.topicId(), partition.partition(), ""), answer);
        }
        return new Reply(ShareFetchResponse.of(Errors.NONE, 0, answers, List.of(), lockMs), slices);
    }

    private static SharePartition partition(Uuid topicId, int index) {
        return new SharePartition(topicId, index);
    }

    private static CompletableFuture<Reply> error(Errors error) {
        return CompletableFuture.completedFuture(errorReply(error));
    }

    /**
     * The error a failed fetch is answered with; one that is not an API error is Trilog's own and
     * logged with its stack, as the connection logs a handler's exception (answered, it was silent).
     */
    private static Errors errorFor(Throwable failure) {
        Errors error = Errors.forException(failure);
        if (error == Errors.UNKNOWN_SERVER_ERROR) {
            log.error("ShareFetch failed", failure);
        }
        return error;
    }

    private static Reply errorReply(Errors error) {
        return Reply.of(ShareFetchResponse.of(error, 0, new LinkedHashMap<>(), List.of(), 0));
    }
}
