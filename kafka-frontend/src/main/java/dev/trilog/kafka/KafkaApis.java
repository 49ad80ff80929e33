package dev.trilog.kafka;

import dev.trilog.kafka.api.AdminApis;
import dev.trilog.kafka.api.ApiTable;
import dev.trilog.kafka.api.CoreApis;
import dev.trilog.kafka.api.GroupApis;

/** Assembles the API table from each family's handlers. */
final class KafkaApis {

    private KafkaApis() {
    }

    static ApiTable table(KafkaBroker broker) {
        ApiTable table = new ApiTable();
        CoreApis.register(table, broker);
        GroupApis.register(table, broker);
        AdminApis.register(table, broker);
        return table;
    }
}
