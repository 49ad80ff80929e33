package dev.trilog.sqs;

import dev.trilog.frontend.DefinitionSection;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import dev.trilog.frontend.ServerFrontend;
import dev.trilog.frontend.ServerTls;
import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import dev.trilog.sqs.action.QueueDirectory;
import dev.trilog.sqs.action.SqsActions;
import dev.trilog.sqs.message.ReceiptHandles;
import dev.trilog.sqs.policy.QueueAccess;
import dev.trilog.sqs.protocol.SqsMetrics;
import dev.trilog.sqs.queue.LegacyQueueRecords;
import dev.trilog.sqs.queue.QueueUrls;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The SQS frontend put together: the action table over the shared {@link Topology} and
 * {@link Queues} (the gateway owns those, one per engine; an SQS queue is one topology queue), and the
 * HTTP server on {@code sqs.port}, with the keys of {@link SqsFrontendConfig}. Registered in
 * {@code META-INF/services/dev.trilog.frontend.Frontend}.
 */
public final class SqsFrontend extends ServerFrontend<SqsServer> {

    static final String SECRETS = "sqs-secrets";
    private static final String RECEIPT_SECRET = "receipt-handle-key";

    private SqsActions actions;

    public SqsFrontend() {
        super("sqs", SqsFrontendConfig.KEYS, SqsFrontendConfig.PORT, SqsFrontendConfig::read);
    }

    /** Signature V4 by one of {@code sqs.access-keys}, when any are configured (mutual TLS counts too). */
    @Override
    public Optional<String> clientAuthentication(FrontendConfig config) {
        if (!config.string(SqsFrontendConfig.ACCESS_KEYS).isBlank()) {
            return Optional.of("Signature V4 with " + SqsFrontendConfig.ACCESS_KEYS);
        }
        return ServerTls.requiresClientCertificates(config, SqsFrontendConfig.TLS_PREFIX)
                ? Optional.of("mutual TLS") : Optional.empty();
    }

    @Override
    public boolean servesQueues() {
        return true;
    }

    @Override
    protected SqsServer newServer(FrontendContext context) throws IOException {
        SqsSettings settings = SqsFrontendConfig.read(context.config());
        actions = actions(settings, context.engine(), context.topology(), context.queues());
        return new SqsServer(settings, actions, new SqsMetrics(context.meters()));
    }

    /**
     * The action table over the engine's queues. SQS's own times (timestamps, the 60 s before a
     * deleted name or a purge may come again, move tasks) are read from the engine's clock, as the
     * queue facade reads visibility timeouts, delays and long polls, so one injected clock drives
     * them all.
     */
    static SqsActions actions(SqsSettings settings, LogEngine engine, Topology topology, Queues queues)
            throws IOException {
        LegacyQueueRecords.moveIntoTopology(engine, topology);
        QueueUrls urls = new QueueUrls(settings.accountId(), settings.region(), settings.tls() != null);
        QueueDirectory directory = new QueueDirectory(topology, queues, urls, engine.settings().clock());
        QueueAccess access = settings.accessKeys().isEmpty() ? QueueAccess.open()
                : QueueAccess.enforced(settings.ownerKeys(), settings.accountId());
        return new SqsActions(directory, new ReceiptHandles(receiptHandleSecrets(engine)), access);
    }

    /**
     * The secrets receipt handles are sealed with: made once per data directory and kept in the
     * engine's durable map {@value #SECRETS} (keys starting {@value #RECEIPT_SECRET}), so handles
     * stay valid across restarts. In a cluster the map is shared; nodes starting together may each
     * store one (under a key naming the node) before seeing another's, so every one stored opens
     * handles, and the first by key seals them.
     */
    private static Supplier<List<byte[]>> receiptHandleSecrets(LogEngine engine) throws IOException {
        DurableMap secrets = engine.durableMap(SECRETS);
        Supplier<List<byte[]>> stored = () -> new TreeMap<>(secrets.all()).entrySet().stream()
                .filter(e -> e.getKey().startsWith(RECEIPT_SECRET)).map(Map.Entry::getValue).toList();
        if (stored.get().isEmpty()) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String key = engine.cluster().map(c -> RECEIPT_SECRET + "-node-" + c.nodeId()).orElse(RECEIPT_SECRET);
            secrets.put(key, secret);
        }
        return stored;
    }

    /** SQS queues with their attributes: the {@code sqsQueues} list of the start-up definitions. */
    @Override
    public List<DefinitionSection> definitionSections() {
        return actions == null ? List.of() : List.of(actions.definitions());
    }

    /** The server first, so no request reaches the actions once they are closed. */
    @Override
    public void close() {
        super.close();
        if (actions != null) {
            actions.close();
            actions = null;
        }
    }
}
