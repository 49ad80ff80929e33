package dev.trilog.kafka.data;

import dev.trilog.kafka.data.FetchSession.FetchTarget;
import dev.trilog.kafka.data.FetchSession.PartitionKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * Incremental fetch sessions (KIP-227), as Kafka's {@code FetchManager} runs them. A request's
 * session id and epoch ({@link FetchMetadata}) make it
 * <ul>
 * <li><b>sessionless</b> — epoch −1 (and every request before Fetch v7): read what it names, answer session 0;
 * a session id with it closes that session;</li>
 * <li><b>full</b> — epoch 0: read what it names and, when the cache has or can make room, open a
 * session of those partitions, whose id the response carries (an id with it closes that session first);</li>
 * <li><b>incremental</b> — any other epoch, which must be the session's next: the request names
 * only partitions added or changed and those to forget; every partition of the session is read,
 * and the response leaves out those with no records and no new high watermark, log start offset
 * or error. An unknown session is {@code FETCH_SESSION_ID_NOT_FOUND}, a wrong epoch
 * {@code INVALID_FETCH_SESSION_EPOCH}, a session of topic names asked with topic IDs or the other
 * way round {@code FETCH_SESSION_TOPIC_ID_ERROR}; a session left with no partitions closes.</li>
 * </ul>
 */
final class FetchSessions {

    private final FetchSessionCache cache;

    FetchSessions(FetchSessionCache cache) {
        this.cache = cache;
    }

    /** One fetch request's relation to its session: what to read, and how to answer what was read. */
    sealed interface Context {

        /** The partitions to read, in order. */
        List<FetchTarget> targets();

        /**
         * The response to send from one read of every target: given the session's id and error,
         * and without what an incremental response leaves out. Called once, for the read sent.
         */
        FetchResponseData respond(FetchResponseData read);
    }

    /** A session error: nothing is read, and the response is the error alone. */
    record SessionError(Errors error) implements Context {
        @Override
        public List<FetchTarget> targets() {
            return List.of();
        }

        @Override
        public FetchResponseData respond(FetchResponseData read) {
            return new FetchResponseData().setErrorCode(error.code()).setSessionId(FetchMetadata.INVALID_SESSION_ID);
        }
    }

    /** No session: everything named is read and answered. */
    record Sessionless(List<FetchTarget> targets) implements Context {
        @Override
        public FetchResponseData respond(FetchResponseData read) {
            return read.setSessionId(FetchMetadata.INVALID_SESSION_ID);
        }
    }

    /** A full fetch, which opens a session of its partitions when the cache makes room. */
    private record Full(FetchSessionCache cache, List<FetchTarget> targets, boolean byId, boolean privileged)
            implements Context {
        @Override
        public FetchResponseData respond(FetchResponseData read) {
            int id = cache.maybeCreate(privileged, targets.size(), (newId, now) -> new FetchSession(newId, privileged,
                    byId, now, FetchMetadata.nextEpoch(FetchMetadata.INITIAL_EPOCH), targets, read));
            return read.setSessionId(id);
        }
    }

    /** An incremental fetch of session {@code session}, whose epoch it moved on from {@code requestEpoch}. */
    private record Incremental(FetchSession session, int requestEpoch, List<FetchTarget> targets) implements Context {
        @Override
        public FetchResponseData respond(FetchResponseData read) {
            synchronized (session) {
                if (session.epoch != FetchMetadata.nextEpoch(requestEpoch)) {
                    // another request on the session came between: this one's answer is stale
                    return new FetchResponseData().setErrorCode(Errors.INVALID_FETCH_SESSION_EPOCH.code())
                            .setSessionId(session.id);
                }
                session.prune(read);
                return read.setSessionId(session.id);
            }
        }
    }

    /** The context of {@code request}, updating its session (and moving its epoch on) when incremental. */
    Context open(FetchRequest request, short version) {
        FetchMetadata metadata = request.metadata();
        boolean byId = version >= 13;
        List<FetchTarget> named = targets(request.data(), byId);
        if (metadata.isFull()) {
            if (metadata.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
                cache.remove(metadata.sessionId());
            }
            return metadata.epoch() == FetchMetadata.FINAL_EPOCH ? new Sessionless(named)
                    : new Full(cache, named, byId, request.isFromFollower());
        }
        synchronized (cache) {
            FetchSession session = cache.get(metadata.sessionId());
            if (session == null) {
                return new SessionError(Errors.FETCH_SESSION_ID_NOT_FOUND);
            }
            synchronized (session) {
                if (session.epoch != metadata.epoch()) {
                    return new SessionError(Errors.INVALID_FETCH_SESSION_EPOCH);
                }
                if (session.usesTopicIds != byId) {
                    return new SessionError(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
                }
                session.update(named, forgotten(request.data(), byId));
                if (session.size() == 0) {
                    cache.remove(session);
                    return new Sessionless(named);
                }
                cache.touch(session);
                session.epoch = FetchMetadata.nextEpoch(session.epoch);
                return new Incremental(session, metadata.epoch(), session.targets());
            }
        }
    }

    private static List<FetchTarget> targets(FetchRequestData data, boolean byId) {
        List<FetchTarget> targets = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                targets.add(new FetchTarget(PartitionKey.of(byId, topic.topic(), topic.topicId(), partition.partition()),
                        partition.fetchOffset(), partition.partitionMaxBytes()));
            }
        }
        return targets;
    }

    private static List<PartitionKey> forgotten(FetchRequestData data, boolean byId) {
        List<PartitionKey> forgotten = new ArrayList<>();
        for (FetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
            for (int partition : topic.partitions()) {
                forgotten.add(PartitionKey.of(byId, topic.topic(), topic.topicId(), partition));
            }
        }
        return forgotten;
    }
}
