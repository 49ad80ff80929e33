package dev.trilog.kafka.txn;

import dev.trilog.kafka.group.GroupCoordinator;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The producer-id and transaction APIs, answered by one {@link TransactionCoordinator}
 * (Kafka's transaction protocol version 1; FindCoordinator for transaction keys is answered with
 * the group keys). EndTxn is advertised up to version 4: version 5 belongs to transactions v2
 * (KIP-890), which needs the {@code transaction.version} feature Trilog does not finalize.
 */
public final class TransactionApis {

    /** The last EndTxn version of transactions v1. */
    private static final short END_TXN_MAX_VERSION = 4;

    private TransactionApis() {
    }

    public static TransactionCoordinator register(ApiTable table, KafkaContext context, TransactionSettings settings,
                                                  GroupCoordinator groups) {
        TransactionCoordinator coordinator = new TransactionCoordinator(context.engine(), settings, context.routing());
        coordinator.startTimeoutChecks(context.timer());
        table.register(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdHandler(context, coordinator))
                .register(ApiKeys.ADD_PARTITIONS_TO_TXN, new AddPartitionsToTxnHandler(coordinator))
                .register(ApiKeys.ADD_OFFSETS_TO_TXN, new AddOffsetsToTxnHandler(coordinator))
                .register(ApiKeys.TXN_OFFSET_COMMIT, new TxnOffsetCommitHandler(context, groups, coordinator))
                .register(ApiKeys.END_TXN, END_TXN_MAX_VERSION, new EndTxnHandler(coordinator))
                .register(ApiKeys.DESCRIBE_TRANSACTIONS, new DescribeTransactionsHandler(coordinator))
                .register(ApiKeys.LIST_TRANSACTIONS, new ListTransactionsHandler(coordinator))
                .register(ApiKeys.DESCRIBE_PRODUCERS, new DescribeProducersHandler(context))
                .register(ApiKeys.WRITE_TXN_MARKERS, new WriteTxnMarkersHandler(context));
        return coordinator;
    }
}
