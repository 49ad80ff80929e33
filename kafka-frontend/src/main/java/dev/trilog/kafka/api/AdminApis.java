package dev.trilog.kafka.api;

import dev.trilog.kafka.KafkaBroker;

/** The admin APIs. Registration point for their handlers; each handler lives in its own class. */
public final class AdminApis {

    private AdminApis() {
    }

    public static void register(ApiTable table, KafkaBroker broker) {
        // handlers are added here as they are written
    }
}
