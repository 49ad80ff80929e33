package dev.trilog.gateway;

import dev.trilog.gateway.admin.AdminEndpoint;
import dev.trilog.gateway.config.GatewayConfig;
import dev.trilog.log.LogEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the broker in the one safe order:
 *
 * <ol>
 *   <li>check the data directory is there and writable,</li>
 *   <li>open the log,</li>
 *   <li>start the protocol frontends,</li>
 *   <li>start the admin endpoint last, so that {@code /health} answering means everything listens.</li>
 * </ol>
 *
 * If any step fails, whatever already started is closed again before the failure is thrown, so
 * a failed start leaves no thread or socket behind (tests start many gateways in one JVM).
 */
public final class Gateway {

    private Gateway() {
    }

    /**
     * @param protocolFrontends the frontends to start, in order
     * @throws StartupException with a one-line message when a port is taken, the data directory is
     *         unusable or the log cannot be opened
     */
    public static RunningGateway start(GatewayConfig config, List<FrontendFactory> protocolFrontends) {
        long startNanos = System.nanoTime();
        DataDirectory.prepare(config.dataDir());
        GatewayMetrics metrics = GatewayMetrics.create();
        LogEngine engine = null;
        QueueLayer queueLayer = null;
        List<Frontend> listening = new ArrayList<>();
        try {
            engine = openLog(config);
            metrics.bindEngine(engine);
            queueLayer = openQueueLayer(config, engine);
            FrontendContext context = new FrontendContext(config, engine, queueLayer, metrics.registry());
            for (FrontendFactory factory : protocolFrontends) {
                startListener(factory.create(context), listening);
            }
            startListener(new AdminEndpoint(config.admin(), metrics::scrape), listening);
            RunningGateway running = new RunningGateway(config, engine, queueLayer, metrics, listening);
            StartupBanner.log(running, (System.nanoTime() - startNanos) / 1_000_000);
            return running;
        } catch (RuntimeException | Error e) {
            new RunningGateway(config, engine, queueLayer, metrics, listening).closeAfterFailedStart();
            throw e;
        }
    }

    private static LogEngine openLog(GatewayConfig config) {
        try {
            return LogEngine.open(config.engine());
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("cannot open the log in " + config.dataDir() + ": " + e.getMessage(), e);
        }
    }

    private static QueueLayer openQueueLayer(GatewayConfig config, LogEngine engine) {
        try {
            return QueueLayer.open(engine);
        } catch (IOException | UncheckedIOException e) {
            throw new StartupException("cannot open the queues in " + config.dataDir() + ": " + e.getMessage(), e);
        }
    }

    /** Adds the listener to {@code listening} only once it listens, so a failed start is not closed twice. */
    private static void startListener(Frontend listener, List<Frontend> listening) {
        try {
            listener.start();
        } catch (IOException e) {
            listener.close();
            throw StartupException.cannotListen(listener.address(), e);
        }
        listening.add(listener);
    }
}
