package dev.trilog.kafka;

import dev.trilog.kafka.api.ApiTable;
import dev.trilog.log.LogEngine;
import java.util.concurrent.Executors;

/** The frontend's API table over an engine, without a network listener. */
public final class KafkaTestBroker {

    private KafkaTestBroker() {
    }

    public static ApiTable apis(LogEngine engine) {
        KafkaBroker broker = new KafkaBroker(engine, KafkaServerSettings.loopback(9092),
                Executors.newSingleThreadScheduledExecutor());
        return KafkaApis.table(broker);
    }
}
