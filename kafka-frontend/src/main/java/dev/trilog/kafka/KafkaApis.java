package dev.trilog.kafka;

import dev.trilog.kafka.api.AdminApis;
import dev.trilog.kafka.api.ApiTable;
import dev.trilog.kafka.api.CoreApis;
import dev.trilog.kafka.api.GroupApis;
import dev.trilog.kafka.group.GroupCoordinator;
import dev.trilog.kafka.txn.TransactionApis;
import dev.trilog.kafka.txn.TransactionCoordinator;

/** Assembles the API table from each family's handlers. */
final class KafkaApis {

    private KafkaApis() {
    }

    static ApiTable table(KafkaBroker broker) {
        ApiTable table = new ApiTable();
        GroupCoordinator groups = GroupApis.register(table, broker);
        TransactionCoordinator transactions = TransactionApis.register(table, broker, groups);
        CoreApis.register(table, broker, transactions::verifyPartition);
        AdminApis.register(table, broker);
        return table;
    }
}
