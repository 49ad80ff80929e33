package dev.trilog.kafka;

import dev.trilog.kafka.api.AdminApis;
import dev.trilog.kafka.api.ApiTable;
import dev.trilog.kafka.api.CoreApis;
import dev.trilog.kafka.api.GroupApis;
import dev.trilog.kafka.group.GroupCoordinator;
import dev.trilog.kafka.txn.TransactionApis;

/** Assembles the API table from each family's handlers. */
final class KafkaApis {

    private KafkaApis() {
    }

    static ApiTable table(KafkaBroker broker) {
        ApiTable table = new ApiTable();
        CoreApis.register(table, broker);
        GroupCoordinator groups = GroupApis.register(table, broker);
        TransactionApis.register(table, broker, groups);
        AdminApis.register(table, broker);
        return table;
    }
}
