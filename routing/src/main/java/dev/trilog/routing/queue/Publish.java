package dev.trilog.routing.queue;

import dev.trilog.routing.message.Message;
import java.util.Objects;

/** One entry of {@link Queues#publishAll}. */
public record Publish(Message message, PublishOptions options) {

    public Publish {
        Objects.requireNonNull(message, "message");
        options = options == null ? PublishOptions.NONE : options;
    }

    public static Publish of(Message message) {
        return new Publish(message, PublishOptions.NONE);
    }
}
