package dev.trilog.kafka.data;

import dev.trilog.kafka.network.KafkaMetrics;
import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ErrorMapping;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.NamedTopic;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.kafka.records.KafkaRecords;
import dev.trilog.log.AppendResult;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.record.BatchHeader;
import dev.trilog.log.record.RecordFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: each partition's batches go through the engine's {@link dev.trilog.log.LogAppender}
 * (validated, offsets assigned, appended) and the answer waits until they are as durable as
 * the topic asks. On one node acks=1 and acks=all mean the same; acks=0 gets no answer; in a
 * cluster acks=all is refused while fewer replicas than {@code min.insync.replicas} are in sync. A
 * transactional batch is first checked against its transaction (KIP-890 part 1).
 *
 * <p>The batches are appended before {@link #handle} returns: the request's bytes are a view
 * of the network buffer, which is released after that.
 */
final class ProduceHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final KafkaContext context;
    private final TransactionVerifier transactions;
    private final KafkaMetrics metrics;

    ProduceHandler(KafkaContext context, TransactionVerifier transactions, KafkaMetrics metrics) {
        this.context = context;
        this.transactions = transactions;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        ProduceRequestData data = ((ProduceRequest) request.body()).data();
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        ProduceResponseData response = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData topicData : data.topicData()) {
            NamedTopic topic = context.topics().resolve(topicData.name(), topicData.topicId());
            boolean byId = topic.byId();
            TopicProduceResponse topicResponse = new TopicProduceResponse()
                    .setName(byId ? "" : topicData.name()).setTopicId(byId ? topicData.topicId() : Uuid.ZERO_UUID);
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse partition = new PartitionProduceResponse()
                        .setIndex(partitionData.index()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                topicResponse.partitionResponses().add(partition);
                Errors unknown = topic.check(partitionData.index());
                if (unknown != Errors.NONE) {
                    partition.setErrorCode(unknown.code());
                    continue;
                }
                ByteBuffer bytes = KafkaRecords.bytesOf(partitionData.records());
                if (bytes == null || !bytes.hasRemaining()) {
                    partition.setErrorCode(Errors.INVALID_RECORD.code()).setErrorMessage("no records");
                    continue;
                }
                TopicPartition tp = topic.partition(partitionData.index());
                if (!context.routing().leadsHere(tp)) {
                    partition.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
                    continue;
                }
                Errors unverified = verifyTransactional(data.transactionalId(), bytes, tp);
                if (unverified != Errors.NONE) {
                    partition.setErrorCode(unverified.code()).setErrorMessage(
                            unverified == Errors.INVALID_TXN_STATE ? "Partition was not added to the transaction" : null);
                    continue;
                }
                String tooFewReplicas = tooFewInSync(data.acks(), tp);
                if (tooFewReplicas != null) {
                    partition.setErrorCode(Errors.NOT_ENOUGH_REPLICAS.code()).setErrorMessage(tooFewReplicas);
                    continue;
                }
                appends.add(context.engine().appender().append(tp, bytes).handle((result, failure) -> {
                    if (failure != null) {
                        logRefusal(request, tp, failure);
                        refuse(partition, failure);
                    } else {
                        metrics.recordsIn(result.recordCount());
                        fill(partition, result);
                    }
                    return null;
                }));
            }
        }
        if (data.acks() == 0) {
            return CompletableFuture.completedFuture(Reply.NONE);
        }
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> Reply.of(new ProduceResponse(response)));
    }

    /**
     * In a cluster, an {@code acks=all} write is refused while fewer replicas are in sync than the
     * topic's {@code min.insync.replicas}, as Kafka does (on Raft a majority must have every write
     * anyway; the setting can only ask for more). Null when the write may go ahead.
     */
    private String tooFewInSync(short acks, TopicPartition tp) {
        if (acks != -1 || !context.routing().clustered()) {
            return null;
        }
        // the partition's own config when this node holds it: topicConfig builds (parses) a whole
        // LogConfig on every call, a few % of a leader's CPU under acks=all load (RESULTS.md, rf3cpu)
        PartitionLog held = context.engine().partition(tp);
        int required = held != null ? held.config().minInSyncReplicas()
                : context.engine().topicConfig(tp.topic()).map(c -> c.minInSyncReplicas()).orElse(1);
        if (required <= 1) {
            return null; // the leader serving this is in sync itself; no need to ask Raft for its followers
        }
        List<Integer> inSync = context.routing().inSync(tp);
        return inSync.size() >= required ? null : "The size of the current ISR " + inSync
                + " is insufficient to satisfy the min.isr requirement of " + required + " for partition " + tp;
    }

    /**
     * A transactional batch must belong to its producer's open transaction on this partition.
     * Checked only where the transaction coordinator runs (the node serving the metadata group):
     * a partition led by another node takes the batch unchecked, as Kafka did before KIP-890 —
     * its leader would have to ask the coordinator, which no node does yet (docs/replication.md).
     */
    private Errors verifyTransactional(String transactionalId, ByteBuffer bytes, TopicPartition tp) {
        if (bytes.remaining() < BatchHeader.SIZE || !context.routing().leadsHere()) {
            return Errors.NONE; // the append refuses a corrupt one; see above for the other
        }
        BatchHeader header = RecordFormat.readHeader(bytes, bytes.position());
        if (header.magic() != 2 || !header.transactional() || header.control()) {
            return Errors.NONE;
        }
        return transactions.verify(transactionalId, header.producerId(), header.producerEpoch(), tp);
    }

    /**
     * One line per refused append: a refused batch at INFO (the client's fault, and the client
     * is told why) and anything unexpected at ERROR with its stack trace. A storage failure (full
     * or failing disk) only at DEBUG: producers retry it thousands of times, and the engine logs
     * each partition's failure once when it starts and once when it ends
     * ({@link dev.trilog.log.StorageFailures}), which is what an operator acts on.
     */
    private static void logRefusal(KafkaRequest request, TopicPartition tp, Throwable failure) {
        Errors error = ErrorMapping.toError(failure);
        String message = ErrorMapping.message(failure);
        switch (error) {
            case KAFKA_STORAGE_ERROR -> log.debug("Produce to {} from client {} failed on disk: {}", tp,
                    request.clientId(), message);
            case UNKNOWN_SERVER_ERROR -> log.error("Produce to {} from client {} failed", tp, request.clientId(),
                    ErrorMapping.cause(failure));
            default -> log.info("Produce to {} from client {} refused with {}: {}", tp, request.clientId(), error,
                    message);
        }
    }

    private static void refuse(PartitionProduceResponse partition, Throwable failure) {
        String message = ErrorMapping.message(failure);
        partition.setErrorCode(ErrorMapping.toError(failure).code()).setErrorMessage(message);
        for (int index : ErrorMapping.recordIndexes(failure)) {
            partition.recordErrors().add(new BatchIndexAndErrorMessage().setBatchIndex(index)
                    .setBatchIndexErrorMessage(message));
        }
    }

    private static void fill(PartitionProduceResponse partition, AppendResult result) {
        partition.setErrorCode(Errors.NONE.code())
                .setBaseOffset(result.firstOffset())
                .setLogAppendTimeMs(result.logAppendTime())
                .setLogStartOffset(result.logStartOffset());
    }
}
