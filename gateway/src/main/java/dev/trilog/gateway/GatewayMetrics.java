package dev.trilog.gateway;

import dev.trilog.log.LogEngine;
import dev.trilog.log.StorageFailures;
import dev.trilog.log.UnreadableBatches;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's one meter registry: created here, handed to every frontend through
 * {@link dev.trilog.frontend.FrontendContext#meters()}, and served as Prometheus text by the admin endpoint.
 *
 * <p>JVM and process meters are bound at creation, including open file descriptors, which a
 * broker with many segment files runs out of before it runs out of anything else.
 */
public final class GatewayMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    /** Holds GC notification listeners that must be removed when the registry goes. */
    private final JvmGcMetrics gcMetrics;
    /** The broker's own series; null until the log is open. */
    private volatile BrokerMeters broker;

    private GatewayMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gcMetrics) {
        this.registry = registry;
        this.gcMetrics = gcMetrics;
    }

    public static GatewayMetrics create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        return new GatewayMetrics(registry, gcMetrics);
    }

    /**
     * The log engine's own meters: {@code trilog_log_unreadable_batches_total}, batches on disk
     * that queue readers had to skip because their records cannot be read;
     * {@code trilog_partitions_storage_failed}, partitions whose disk is failing them now (see
     * {@link StorageFailures}); and the partitions, group lag and fsync series of
     * {@link BrokerMeters}.
     */
    public void bindEngine(LogEngine engine) {
        FunctionCounter.builder("trilog.log.unreadable.batches", engine.unreadableBatches(), UnreadableBatches::count)
                .description("record batches on disk that queue readers skipped because their records cannot be read")
                .register(registry);
        Gauge.builder("trilog.partitions.storage.failed", engine.storageFailures(), StorageFailures::count)
                .description("partitions whose last write or fsync failed and has not succeeded since (a full or failing"
                        + " disk), internal logs included")
                .register(registry);
        broker = new BrokerMeters(registry, engine);
    }

    /** The queue depth series, once the queue layer is open (after {@link #bindEngine}). */
    public void bindQueues(Topology topology, Queues queues) {
        broker.bindQueues(topology, queues);
    }

    /** The registry frontends and the engine record into. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        BrokerMeters current = broker;
        if (current != null) {
            current.refresh();
        }
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
