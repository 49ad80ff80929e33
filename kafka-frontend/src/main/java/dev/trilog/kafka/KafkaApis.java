package dev.trilog.kafka;

import dev.trilog.kafka.api.ApiTable;
import dev.trilog.kafka.api.CoreApis;

/** Assembles the API table from each family's handlers. */
final class KafkaApis {

    private KafkaApis() {
    }

    static ApiTable table(KafkaBroker broker) {
        ApiTable table = new ApiTable();
        CoreApis.register(table, broker);
        return table;
    }
}
