package dev.trilog.kafka.api;

import dev.trilog.kafka.KafkaBroker;
import org.apache.kafka.common.protocol.ApiKeys;

/** The data path: metadata, produce, fetch, offsets by time. Producer IDs are the transaction APIs'. */
public final class CoreApis {

    private CoreApis() {
    }

    public static void register(ApiTable table, KafkaBroker broker, TransactionVerifier transactions) {
        table.register(ApiKeys.METADATA, new MetadataHandler(broker))
                .register(ApiKeys.PRODUCE, new ProduceHandler(broker, transactions))
                .register(ApiKeys.FETCH, new FetchHandler(broker))
                .register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(broker));
    }
}
