package dev.trilog.sqs;

import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import dev.trilog.sqs.action.SqsActions;
import dev.trilog.sqs.action.SqsQueues;
import dev.trilog.sqs.message.ReceiptHandles;
import dev.trilog.sqs.queue.QueueUrls;
import dev.trilog.sqs.queue.SqsQueueCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * The SQS frontend put together: its metadata catalog over the engine, the action table over the
 * shared {@link Topology} and {@link Queues} (the gateway owns those, one per engine), and the
 * HTTP server. The gateway builds it once the log is open, starts it and closes it.
 */
public final class SqsFrontend implements AutoCloseable {

    private final SqsActions actions;
    private final SqsServer server;

    private SqsFrontend(SqsActions actions, SqsServer server) {
        this.actions = actions;
        this.server = server;
    }

    /** Builds the frontend without binding anything. */
    public static SqsFrontend create(SqsSettings settings, LogEngine engine, Topology topology, Queues queues)
            throws IOException {
        SqsQueueCatalog catalog = SqsQueueCatalog.open(engine);
        QueueUrls urls = new QueueUrls(settings.accountId(), settings.region());
        SqsQueues sqs = new SqsQueues(catalog, topology, queues, urls, Clock.systemUTC());
        SqsActions actions = new SqsActions(sqs, new ReceiptHandles(catalog.receiptHandleSecret()));
        return new SqsFrontend(actions, new SqsServer(settings, actions));
    }

    public InetSocketAddress start() throws IOException {
        return server.start();
    }

    public InetSocketAddress boundAddress() {
        return server.boundAddress();
    }

    @Override
    public void close() {
        server.close();
        actions.close();
    }
}
