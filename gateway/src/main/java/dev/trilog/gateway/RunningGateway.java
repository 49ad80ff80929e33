package dev.trilog.gateway;

import dev.trilog.frontend.DefinitionSection;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.log.LogEngine;
import dev.trilog.replication.ReplicatedNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started broker: the open log, the listeners in the order they started, and the metrics
 * registry. {@link #close()} is the one way to stop it, used alike by the shutdown hook
 * ({@code SIGTERM}, Ctrl-C) and by tests.
 *
 * <p>Stop order is the start order reversed: listeners first (each stops accepting, lets
 * in-flight requests finish briefly and fails the rest), then the log, which flushes and writes
 * its clean-shutdown marker, then the metrics. A failing step is logged and the remaining steps
 * still run: leaving the log unflushed because a socket failed to close would be the worse outcome.
 */
public final class RunningGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningGateway.class);

    private final GatewayConfig config;
    private final LogEngine engine;
    private final QueueLayer queueLayer;
    /** This node's part in a replicated cluster, or null for one node. */
    private final ReplicatedNode replication;
    private final GatewayMetrics metrics;
    private final List<Listener> listeners;
    private final List<DefinitionSection> definitionSections;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stoppedCleanly;

    /** @param engine null only when closing after the log failed to open; queueLayer likewise; replication null for one node */
    RunningGateway(GatewayConfig config, LogEngine engine, ReplicatedNode replication, QueueLayer queueLayer,
                   GatewayMetrics metrics, List<Listener> listeners, List<DefinitionSection> definitionSections) {
        this.config = config;
        this.engine = engine;
        this.replication = replication;
        this.queueLayer = queueLayer;
        this.metrics = metrics;
        this.listeners = List.copyOf(listeners);
        this.definitionSections = List.copyOf(definitionSections);
    }

    public GatewayConfig config() {
        return config;
    }

    public LogEngine engine() {
        return engine;
    }

    /** The engine's topology and queue facade, shared by the queue protocols. */
    public QueueLayer queueLayer() {
        return queueLayer;
    }

    /** This node's part in a replicated cluster; empty for one node. */
    public java.util.Optional<ReplicatedNode> replication() {
        return java.util.Optional.ofNullable(replication);
    }

    /** The frontends' lists of the start-up definitions (SQS queues), for applying and exporting them. */
    public List<DefinitionSection> definitionSections() {
        return definitionSections;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Every listener, protocol frontends first and the admin endpoint last. */
    public List<Listener> listeners() {
        return listeners;
    }

    /** The started listener with this name ({@code admin}, {@code kafka}, …). */
    public Listener listener(String name) {
        return listeners.stream().filter(listener -> listener.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener named " + name));
    }

    /**
     * Stops the broker; see the class comment for the order. Safe to call from several threads
     * and more than once: later calls wait for the first to finish.
     */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        LOG.info("stopping: closing {} listener(s), then the log", listeners.size());
        int failures = closeAll();
        stoppedCleanly = failures == 0;
        if (stoppedCleanly) {
            LOG.info("stopped cleanly");
        } else {
            LOG.error("stopped with {} failure(s); see the errors above", failures);
        }
        stopped.countDown();
    }

    /** Undoes a start that failed part-way, quietly: the start failure is the message the user needs. */
    synchronized void closeAfterFailedStart() {
        closeAll();
        stopped.countDown();
    }

    /** True once {@link #close()} has finished without a failure. */
    public boolean stoppedCleanly() {
        return stoppedCleanly;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private int closeAll() {
        int failures = 0;
        List<Listener> reversed = new ArrayList<>(listeners);
        Collections.reverse(reversed);
        for (Listener listener : reversed) {
            failures += attempt("close the " + listener.name() + " listener", listener::close);
        }
        if (queueLayer != null) {
            failures += attempt("close the queues", queueLayer::close);
        }
        if (replication != null) {
            failures += attempt("leave the replication group", replication::close);
        }
        if (engine != null) {
            failures += attempt("close the log", engine::close);
        }
        failures += attempt("close the metrics registry", metrics::close);
        return failures;
    }

    private static int attempt(String step, Step action) {
        try {
            action.run();
            return 0;
        } catch (Exception e) {
            LOG.error("failed to {}", step, e);
            return 1;
        }
    }

    /** A stop step; may throw checked exceptions (the log's close may one day throw IOException). */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }
}
