package dev.trilog.gateway;

import dev.trilog.gateway.cluster.LeaderDoor;
import dev.trilog.gateway.cluster.NodeEndpoints;
import dev.trilog.gateway.cluster.QueueLeadership;
import dev.trilog.gateway.config.ListenAddress;
import dev.trilog.log.Cluster;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * On a clustered node, a frontend that serves queues: the frontend itself listens on loopback,
 * and its public address is a {@link LeaderDoor} relaying each connection to the node that serves
 * the queues (docs/replication.md). Once listening, it records its public address with the
 * cluster so the other nodes' doors can relay to it.
 */
final class ForwardedListener implements Listener {

    private final FrontendListener frontend;
    private final ListenAddress address;
    private final Cluster cluster;
    private final String advertisedHost;
    private final NodeEndpoints endpoints;
    private final LeaderDoor door;
    private volatile InetSocketAddress bound;

    /**
     * @param frontend       the frontend, initialised to listen on loopback
     * @param address        the public address asked for
     * @param advertisedHost the host other nodes reach this one at (this node's replication host
     *                       when {@code address} binds every interface)
     */
    ForwardedListener(FrontendListener frontend, ListenAddress address, Cluster cluster, String advertisedHost,
            NodeEndpoints endpoints, QueueLeadership leadership) {
        this.frontend = frontend;
        this.address = address;
        this.cluster = cluster;
        this.advertisedHost = advertisedHost;
        this.endpoints = endpoints;
        this.door = new LeaderDoor(frontend.name(), cluster::leader, cluster.nodeId(), leadership::servingHere,
                frontend::boundAddress, node -> endpoints.of(node, address.portKey()), LeaderDoor.HOLD);
        leadership.add(door);
    }

    @Override
    public String name() {
        return frontend.name();
    }

    @Override
    public ListenAddress address() {
        return address;
    }

    @Override
    public void start() throws IOException {
        frontend.start();
        bound = door.start(address.host(), address.port());
        endpoints.register(cluster.nodeId(), address.portKey(),
                InetSocketAddress.createUnresolved(advertisedHost, bound.getPort()));
    }

    @Override
    public InetSocketAddress boundAddress() {
        if (bound == null) {
            throw new IllegalStateException("not started");
        }
        return bound;
    }

    @Override
    public void close() {
        door.close();
        endpoints.close();
        frontend.close();
    }
}
