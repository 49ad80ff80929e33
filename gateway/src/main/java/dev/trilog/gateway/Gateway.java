package dev.trilog.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trilog.frontend.AdvertisedHost;
import dev.trilog.frontend.ConsumerGroups;
import dev.trilog.frontend.DefinitionException;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendContext;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.frontend.auth.VhostStore;
import dev.trilog.gateway.admin.AdminApi;
import dev.trilog.gateway.admin.AdminEndpoint;
import dev.trilog.gateway.cluster.NodeEndpoints;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.gateway.config.KnownKeys;
import dev.trilog.gateway.config.ListenAddress;
import dev.trilog.gateway.definitions.Definitions;
import dev.trilog.gateway.definitions.DefinitionsApplier;
import dev.trilog.gateway.definitions.DefinitionsFile;
import dev.trilog.log.LogEngine;
import dev.trilog.replication.ClusterNodes;
import dev.trilog.replication.RaftTransport;
import dev.trilog.replication.ReplicatedNode;
import dev.trilog.replication.ReplicationTimeouts;
import dev.trilog.replication.SnapshotSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the broker in the one safe order:
 *
 * <ol>
 *   <li>warn about (or, when asked, refuse) listeners beyond loopback with no client authentication,</li>
 *   <li>check every fixed port is free, so a taken one costs nothing,</li>
 *   <li>check the data directory is there and writable,</li>
 *   <li>open the log and the queue layer,</li>
 *   <li>initialise the protocol frontends, in the order given,</li>
 *   <li>apply the start-up definitions ({@code definitions.file}), so the first client sees them,</li>
 *   <li>start the frontends' listeners, in the same order,</li>
 *   <li>start the admin endpoint last, so that {@code /health} answering means everything listens.</li>
 * </ol>
 *
 * If any step fails, whatever already started is closed again before the failure is thrown, so
 * a failed start leaves no thread or socket behind (tests start many gateways in one JVM), and
 * no data directory it created.
 */
public final class Gateway {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private Gateway() {
    }

    /**
     * @param protocolFrontends new, unstarted frontends ({@code Frontends.installed()} for the ones on the class path)
     * @throws StartupException with a one-line message when a port is taken, the data directory is
     *         unusable or the log cannot be opened
     */
    public static RunningGateway start(GatewayConfig config, List<Frontend> protocolFrontends) {
        return start(config, protocolFrontends, new StopDuringStart());
    }

    /**
     * As {@link #start(GatewayConfig, List)}, ended early when {@code stop} is asked for while a
     * cluster node waits on its group: then what started is closed and {@link StoppedWhileStarting}
     * thrown.
     */
    static RunningGateway start(GatewayConfig config, List<Frontend> protocolFrontends, StopDuringStart stop) {
        long startNanos = System.nanoTime();
        long startedAt = System.currentTimeMillis();
        JsonNode definitions = config.definitionsFile().map(Gateway::readDefinitions).orElse(null);
        UnauthenticatedListeners.check(config, protocolFrontends);
        FreePorts.require(fixedAddresses(config, protocolFrontends));
        boolean createdDataDir = DataDirectory.prepare(config.dataDir());
        GatewayMetrics metrics = GatewayMetrics.create();
        LogEngine engine = null;
        ReplicatedNode replication = null;
        QueueLayer queueLayer = null;
        List<Listener> listening = new java.util.concurrent.CopyOnWriteArrayList<>(); // read by /api/v1/status
        List<ListenAddress> idle = new ArrayList<>();
        List<Listener> prepared = new ArrayList<>();
        List<DefinitionSection> sections = new ArrayList<>();
        Map<String, String> frontendOfSection = new HashMap<>(); // sqsQueues -> sqs
        List<ConsumerGroups> coordinators = new ArrayList<>(); // the Kafka frontend's groups
        try {
            engine = openLog(config);
            replication = joinCluster(config, engine);
            if (replication != null) {
                stop.joined(replication);
            }
            metrics.bindEngine(engine);
            queueLayer = openQueueLayer(config, engine);
            metrics.bindQueues(queueLayer.topology(), queueLayer.queues());
            UserStore users = openUsers(config, engine);
            VhostStore vhosts = openVhosts(config, engine);
            FrontendContext context = new FrontendContext(config.frontendConfig(), engine, queueLayer.topology(),
                    queueLayer.queues(), metrics.registry(), users, vhosts);
            for (Frontend frontend : protocolFrontends) {
                ListenAddress address = config.listenAddress(frontend.portKey());
                if (frontend.listens() && replication != null && frontend.servesQueues()) {
                    // the leader serves the queues: this node's frontend listens on loopback, behind a door
                    initialize(frontend, new FrontendContext(config.frontendConfig().onLoopback(frontend.portKey()),
                            engine, queueLayer.topology(), queueLayer.queues(), metrics.registry(), users, vhosts));
                    prepared.add(new ForwardedListener(new FrontendListener(frontend, address), address, replication,
                            advertisedHost(config, replication.id()), openEndpoints(engine), queueLayer.leadership()));
                } else if (frontend.listens()) {
                    initialize(frontend, context);
                    prepared.add(new FrontendListener(frontend, address));
                } else {
                    idle.add(address);
                    continue;
                }
                frontend.consumerGroups().ifPresent(coordinators::add);
                for (DefinitionSection section : frontend.definitionSections()) {
                    sections.add(section);
                    frontendOfSection.put(section.key(), frontend.name());
                }
            }
            if (definitions != null) {
                applyDefinitions(config, definitions, engine, queueLayer, sections);
            }
            while (!prepared.isEmpty()) {
                startListener(prepared.remove(0), listening);
            }
            ReplicatedNode node = replication;
            QueueLayer queues = queueLayer;
            List<Listener> started = listening;
            AdminApi api = new AdminApi(engine, queues.topology(), queues.queues(), sections, frontendOfSection,
                    coordinators, new AdminApi.Process(
                    TrilogVersion.current(), config.dataDir(), startedAt, () -> List.copyOf(started),
                    config.compareReports()), users, vhosts, metrics.registry());
            startListener(node == null
                    ? new AdminEndpoint(config.admin(), () -> AdminEndpoint.HEALTH_BODY, List::of, metrics::scrape, api,
                            config.adminWrites(), config.adminTls().orElse(null))
                    : new AdminEndpoint(config.admin(), () -> clusteredHealth(node),
                            () -> clusteredNotReady(node, queues), metrics::scrape, api, config.adminWrites(),
                            config.adminTls().orElse(null)),
                    listening);
            RunningGateway running = new RunningGateway(config, engine, replication, queueLayer, metrics, listening, sections);
            stop.over();
            StartupBanner.log(running, idle, (System.nanoTime() - startNanos) / 1_000_000);
            return running;
        } catch (RuntimeException | Error e) {
            prepared.forEach(Listener::close); // initialised, never started
            if (stop.asked()) { // a stop, not a failure to report: close as a stop does, logging it
                LOG.info("stopping while starting ({})", e.getMessage());
                RunningGateway opened = new RunningGateway(config, engine, replication, queueLayer, metrics, listening,
                        sections);
                opened.close();
                throw new StoppedWhileStarting(opened.stoppedCleanly(), e);
            }
            new RunningGateway(config, engine, replication, queueLayer, metrics, listening, sections).closeAfterFailedStart();
            // a directory this start created holds nothing a client gave: no listener took a
            // request. A cluster node's may hold Raft entries it acknowledged to the others: kept.
            if (createdDataDir && replication == null && listening.isEmpty()) {
                DataDirectory.removeCreated(config.dataDir());
            }
            throw e;
        }
    }

    /** The addresses of every listener that will bind, the admin endpoint's too. */
    private static List<ListenAddress> fixedAddresses(GatewayConfig config, List<Frontend> protocolFrontends) {
        List<ListenAddress> addresses = new ArrayList<>();
        protocolFrontends.stream().filter(Frontend::listens)
                .forEach(frontend -> addresses.add(config.listenAddress(frontend.portKey())));
        addresses.add(config.admin());
        return addresses;
    }

    /** Read before anything opens, so a file that is missing or not YAML or JSON costs nothing. */
    private static JsonNode readDefinitions(Path file) {
        try {
            return DefinitionsFile.read(file);
        } catch (DefinitionException e) {
            throw new StartupException("definitions " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Declares the start-up definitions once every frontend is initialised (the SQS queues are its
     * list) and before any listens, so the first client sees them.
     */
    private static void applyDefinitions(GatewayConfig config, JsonNode document, LogEngine engine,
            QueueLayer queueLayer, List<DefinitionSection> sections) {
        Path file = config.definitionsFile().orElseThrow();
        try {
            Definitions definitions = Definitions.parse(document, sections);
            int created = new DefinitionsApplier(engine, queueLayer.topology(), queueLayer.queues(), sections)
                    .apply(definitions);
            LOG.info("definitions {}: {} ({} new)", file, DefinitionsApplier.summary(definitions), created);
        } catch (DefinitionException e) {
            throw new StartupException("definitions " + file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new StartupException("definitions " + file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static LogEngine openLog(GatewayConfig config) {
        try {
            return LogEngine.open(config.engine());
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("cannot open the log in " + config.dataDir() + ": " + e.getMessage(), e);
        }
    }

    /** A clustered node's {@code /health}: up, its id and the leader it knows of (null while one is elected). */
    static String clusteredHealth(ReplicatedNode node) {
        String leader = node.leaderId().map(String::valueOf).orElse("null");
        return "{\"status\":\"UP\",\"cluster\":{\"node\":" + node.id() + ",\"leader\":" + leader + "}}";
    }

    /**
     * What a clustered node waits for before it can serve: a leader (without one, no write
     * commits), and on the leader the queues taken over (until then it turns AMQP and SQS away);
     * the leader's snapshot while it installs one (it lost its data directory); and what it
     * waits for in vain: entries the leader purged, which it cannot catch up past.
     */
    static List<String> clusteredNotReady(ReplicatedNode node, QueueLayer queues) {
        if (node.cannotCatchUp().isPresent()) {
            return List.of("entries the leader purged (this node cannot catch up: " + node.cannotCatchUp().get() + ")");
        }
        if (node.installingSnapshot().isPresent()) {
            return List.of("the leader's snapshot (" + node.installingSnapshot().get() + ")");
        }
        if (node.leaderId().isEmpty()) {
            return List.of("a cluster leader");
        }
        if (node.isLeader() && !queues.queues().serving()) {
            return List.of("this node, the leader, to take the queues over");
        }
        return List.of();
    }

    /** The replication timeouts {@code config} sets. */
    static ReplicationTimeouts replicationTimeouts(GatewayConfig config) {
        return new ReplicationTimeouts(
                Duration.ofMillis(config.frontendConfig().intAtLeast(KnownKeys.CLUSTER_LEADER_PATIENCE_MS, 1)),
                Duration.ofMillis(config.frontendConfig().intAtLeast(KnownKeys.REPLICA_LAG_TIME_MAX_MS, 1)),
                Duration.ofMillis(config.frontendConfig().intAtLeast(KnownKeys.CLUSTER_ELECTION_TIMEOUT_MS,
                        ReplicationTimeouts.MIN_ELECTION_MS)));
    }

    /**
     * With {@code cluster.nodes} set, joins the cluster's Raft group: from then on every write on
     * this node is committed through the group first (docs/replication.md). Null for one node.
     */
    private static ReplicatedNode joinCluster(GatewayConfig config, LogEngine engine) {
        String nodes = config.frontendConfig().string(KnownKeys.CLUSTER_NODES).trim();
        if (nodes.isEmpty()) {
            return null;
        }
        ClusterNodes cluster;
        int nodeId = config.frontendConfig().intAtLeast(KnownKeys.NODE_ID, 0);
        SnapshotSettings snapshots = SnapshotSettings.everyEntries(
                config.frontendConfig().intAtLeast(KnownKeys.CLUSTER_SNAPSHOT_THRESHOLD, 1));
        ReplicationTimeouts timeouts = replicationTimeouts(config);
        RaftTransport transport;
        try {
            cluster = ClusterNodes.parse(nodes);
            cluster.node(nodeId);
            transport = RaftTransport.parse(config.frontendConfig().string(KnownKeys.CLUSTER_TRANSPORT));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
        try {
            return ReplicatedNode.start(engine, cluster, nodeId, config.dataDir().resolve("raft"), snapshots, timeouts,
                    transport);
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("cannot join the cluster as node " + nodeId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The host other nodes reach this one's listeners at: the listen host, unless that binds every
     * interface; then the host of this node's replication address, which the others reach already.
     */
    private static String advertisedHost(GatewayConfig config, int nodeId) {
        String host = config.frontendConfig().listenHost();
        if (!AdvertisedHost.isWildcard(host)) {
            return host;
        }
        return ClusterNodes.parse(config.frontendConfig().string(KnownKeys.CLUSTER_NODES)).node(nodeId).host();
    }

    private static NodeEndpoints openEndpoints(LogEngine engine) {
        try {
            return NodeEndpoints.open(engine);
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("cannot open the cluster's endpoint registry: " + e.getMessage(), e);
        }
    }

    private static QueueLayer openQueueLayer(GatewayConfig config, LogEngine engine) {
        try {
            return QueueLayer.open(engine);
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("cannot open the queues in " + config.dataDir() + ": " + e.getMessage(), e);
        }
    }

    private static VhostStore openVhosts(GatewayConfig config, LogEngine engine) {
        try {
            return VhostStore.open(engine);
        } catch (IOException e) {
            throw new StartupException("cannot open the AMQP vhosts in " + config.dataDir() + ": " + e.getMessage(), e);
        }
    }

    private static UserStore openUsers(GatewayConfig config, LogEngine engine) {
        try {
            return UserStore.open(engine);
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("cannot open the users in " + config.dataDir() + ": " + e.getMessage(), e);
        }
    }

    /** Closes the frontend again when it fails, since it is not among the listeners yet. */
    private static void initialize(Frontend frontend, FrontendContext context) {
        try {
            frontend.initialize(context);
        } catch (IOException | UncheckedIOException e) {
            frontend.close();
            throw new StartupException("cannot start the " + frontend.name() + " frontend: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            frontend.close();
            throw e;
        }
    }

    /** Adds the listener to {@code listening} only once it listens, so a failed start is not closed twice. */
    private static void startListener(Listener listener, List<Listener> listening) {
        try {
            listener.start();
        } catch (IOException e) {
            listener.close();
            throw StartupException.cannotListen(listener.address(), e);
        }
        listening.add(listener);
    }
}
