package dev.trilog.routing.stream;

import java.util.List;

/**
 * Where a {@link StreamSubscription}'s records are pushed. Called on the facade's one
 * {@code trilog-stream-reader} thread, one call at a time per subscription, in offset order per
 * partition; hand the work to your own event loop and return, never block or throw.
 */
public interface StreamSink {

    /** Records within the credit, in offset order per partition. */
    void deliver(StreamSubscription subscription, List<StreamDelivery> deliveries);

    /** The topic was deleted: nothing more comes. */
    default void ended(StreamSubscription subscription) {
    }
}
