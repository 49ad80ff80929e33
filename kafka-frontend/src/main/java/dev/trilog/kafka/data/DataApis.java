package dev.trilog.kafka.data;

import dev.trilog.kafka.network.KafkaMetrics;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The data path: metadata (Metadata, and DescribeTopicPartitions's paged form of it), produce,
 * fetch, and offsets (by time, and by leader epoch for a consumer's truncation check). Producer
 * IDs are the transaction APIs'; committed offsets the group APIs'.
 */
public final class DataApis {

    private DataApis() {
    }

    /**
     * @param fetchSessionSlots {@code max.incremental.fetch.session.cache.slots}: how many
     *                          incremental fetch sessions are kept (0 = none, every fetch is full)
     * @param metrics           where Produce counts the records it appends
     */
    public static void register(ApiTable table, KafkaContext context, TransactionVerifier transactions,
            int fetchSessionSlots, KafkaMetrics metrics) {
        table.register(ApiKeys.METADATA, new MetadataHandler(context))
                .register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, new DescribeTopicPartitionsHandler(context))
                .register(ApiKeys.PRODUCE, new ProduceHandler(context, transactions, metrics))
                .register(ApiKeys.FETCH, new FetchHandler(context,
                        new FetchSessions(FetchSessionCache.of(fetchSessionSlots))))
                .register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(context))
                .register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochHandler(context));
    }
}
