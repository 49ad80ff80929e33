package dev.trilog.sqs;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
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
import java.util.List;

/**
 * The SQS frontend put together: its metadata catalog over the engine, the action table over the
 * shared {@link Topology} and {@link Queues} (the gateway owns those, one per engine), and the
 * HTTP server on {@code sqs.port}, with the keys of {@link SqsFrontendConfig}. Registered in
 * {@code META-INF/services/dev.trilog.frontend.Frontend}.
 */
public final class SqsFrontend implements Frontend {

    private SqsActions actions;
    private SqsServer server;

    @Override
    public String name() {
        return "sqs";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return SqsFrontendConfig.KEYS;
    }

    @Override
    public String portKey() {
        return SqsFrontendConfig.PORT;
    }

    @Override
    public void validate(FrontendConfig config) {
        SqsFrontendConfig.read(config);
    }

    /** Reads the queue metadata and builds the server, without binding anything. */
    @Override
    public void initialize(FrontendContext context) throws IOException {
        SqsSettings settings = SqsFrontendConfig.read(context.config());
        SqsQueueCatalog catalog = SqsQueueCatalog.open(context.engine());
        QueueUrls urls = new QueueUrls(settings.accountId(), settings.region());
        SqsQueues sqs = new SqsQueues(catalog, context.topology(), context.queues(), urls, Clock.systemUTC());
        actions = new SqsActions(sqs, new ReceiptHandles(catalog.receiptHandleSecret()));
        server = new SqsServer(settings, actions);
    }

    @Override
    public InetSocketAddress start() throws IOException {
        if (server == null) {
            throw new IllegalStateException("not initialized");
        }
        return server.start();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (actions != null) {
            actions.close();
            actions = null;
        }
    }
}
