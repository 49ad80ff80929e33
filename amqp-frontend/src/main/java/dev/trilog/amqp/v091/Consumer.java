package dev.trilog.amqp.v091;

import dev.trilog.routing.queue.DeliverySink;
import dev.trilog.routing.queue.QueueDelivery;
import dev.trilog.routing.queue.Subscription;
import dev.trilog.routing.stream.StreamDelivery;
import dev.trilog.routing.stream.StreamSink;
import dev.trilog.routing.stream.StreamSubscription;
import java.util.List;

/**
 * One {@code basic.consume}: the queue facade's sink for its subscription (or, on a stream queue,
 * the stream facade's for its stream subscription), and what its channel knows of it. The facade calls the sink on its delivery thread; the work goes to the channel's
 * event loop ({@link ChannelConsumers}), where every field is read and written.
 */
final class Consumer implements DeliverySink, StreamSink {

    private final ChannelConsumers channel;
    final String tag;
    final String queue;
    final boolean noAck;
    final boolean exclusive;
    Subscription subscription;
    /** Set instead of {@link #subscription} for a stream consumer: read from an offset, acks only give credit. */
    StreamSubscription stream;
    boolean active = true;
    /** Under the channel's shared (global) limit: on link credit {@link SharedPrefetch} grants. */
    boolean shared;
    /** Its own limit (0 = none). */
    int limit;
    /**
     * Manual acks and no limit (prefetch 0): on link credit of {@code writeWindow} deliveries, each
     * given back once written to the socket rather than when acked.
     */
    boolean paced;
    /** When shared: deliveries it holds unsettled, and credit granted and not yet used. */
    int outstanding;
    int granted;

    Consumer(ChannelConsumers channel, String tag, String queue, boolean noAck, boolean exclusive) {
        this.channel = channel;
        this.tag = tag;
        this.queue = queue;
        this.noAck = noAck;
        this.exclusive = exclusive;
    }

    @Override
    public void deliver(Subscription subscription, List<QueueDelivery> deliveries) {
        channel.onEventLoop(() -> channel.delivered(this, deliveries));
    }

    @Override
    public void ended(Subscription subscription, Subscription.End why) {
        channel.onEventLoop(() -> channel.consumerEnded(this));
    }

    @Override
    public void deliver(StreamSubscription subscription, List<StreamDelivery> deliveries) {
        channel.onEventLoop(() -> channel.streamDelivered(this, deliveries));
    }

    @Override
    public void ended(StreamSubscription subscription) {
        channel.onEventLoop(() -> channel.consumerEnded(this));
    }
}
