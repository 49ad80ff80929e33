package dev.trilog.kafka;

import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.log.LogEngine;
import java.util.concurrent.Executors;

/** The frontend's API table over an engine, without a network listener. */
public final class KafkaTestApis {

    private KafkaTestApis() {
    }

    public static ApiTable apis(LogEngine engine) {
        KafkaServerSettings settings = KafkaServerSettings.loopback(9092);
        KafkaContext context = KafkaApis.context(engine, settings, Executors.newSingleThreadScheduledExecutor());
        return KafkaApis.table(context, settings);
    }
}
