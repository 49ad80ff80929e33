package dev.trilog.gateway.cluster;

import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each node of a cluster listens for the clients it forwards to the leader (AMQP, SQS): the
 * shared durable map {@value #NAMESPACE}, key {@code <node id>/<port key>}, value {@code host:port}.
 * Each node records its own once it listens, through the cluster (so in the background: that write
 * waits for a majority); a restart on the same address writes nothing.
 */
public final class NodeEndpoints implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeEndpoints.class);

    static final String NAMESPACE = "cluster-endpoints";
    private static final long RETRY_MS = 500;

    private final DurableMap map;
    private final ExecutorService registration = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "trilog-endpoint-registration");
        thread.setDaemon(true);
        return thread;
    });

    private NodeEndpoints(DurableMap map) {
        this.map = map;
    }

    public static NodeEndpoints open(LogEngine engine) throws IOException {
        return new NodeEndpoints(engine.durableMap(NAMESPACE));
    }

    /** Where {@code node} listens for {@code portKey}'s clients, once it recorded it. */
    public Optional<InetSocketAddress> of(int node, String portKey) {
        return map.get(key(node, portKey)).map(bytes -> parse(new String(bytes, StandardCharsets.UTF_8)));
    }

    /** Records, in the background until the cluster takes it, that {@code node} listens at {@code address}. */
    public void register(int node, String portKey, InetSocketAddress address) {
        byte[] value = (address.getHostString() + ":" + address.getPort()).getBytes(StandardCharsets.UTF_8);
        registration.execute(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    if (!map.get(key(node, portKey)).map(stored -> Arrays.equals(stored, value)).orElse(false)) {
                        map.put(key(node, portKey), value);
                    }
                    return;
                } catch (IOException | UncheckedIOException e) {
                    log.debug("Recording node {}'s {} address failed; retrying", node, portKey, e);
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(RETRY_MS);
                } catch (InterruptedException e) {
                    return; // closing
                }
            }
        });
    }

    private static String key(int node, String portKey) {
        return node + "/" + portKey;
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public void close() {
        registration.shutdownNow();
    }
}
