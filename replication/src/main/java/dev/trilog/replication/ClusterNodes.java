package dev.trilog.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The nodes of a cluster as {@code cluster.nodes} names them: {@code 1@127.0.0.1:9190,2@…},
 * each node's id and the address its replication listens on.
 */
public record ClusterNodes(List<Node> nodes) {

    /** Node ids are small: the producer ids each node hands out are spread by node id. */
    public static final int MAX_NODE_ID = 15;

    /** One node: a small positive id and its replication address. */
    public record Node(int id, String host, int port) {

        public String address() {
            return host + ":" + port;
        }
    }

    public ClusterNodes {
        nodes = List.copyOf(nodes);
    }

    /**
     * Parses {@code id@host:port,…}.
     *
     * @throws IllegalArgumentException naming what is wrong: a malformed entry, a repeated id or address
     */
    public static ClusterNodes parse(String text) {
        List<Node> nodes = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            int at = e.indexOf('@');
            int colon = e.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1 || colon == e.length() - 1) {
                throw new IllegalArgumentException("cluster.nodes entry '" + e + "' is not id@host:port");
            }
            int id;
            int port;
            try {
                id = Integer.parseInt(e.substring(0, at));
                port = Integer.parseInt(e.substring(colon + 1));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("cluster.nodes entry '" + e + "' is not id@host:port");
            }
            if (id < 1 || id > MAX_NODE_ID || port < 1 || port > 65535) {
                throw new IllegalArgumentException("cluster.nodes entry '" + e + "': ids 1 to " + MAX_NODE_ID
                        + ", ports 1 to 65535");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException("cluster.nodes names node " + id + " twice");
            }
            Node node = new Node(id, e.substring(at + 1, colon), port);
            nodes.stream().filter(other -> other.address().equals(node.address())).findFirst().ifPresent(other -> {
                throw new IllegalArgumentException("cluster.nodes gives nodes " + other.id() + " and " + id
                        + " one replication address, " + node.address());
            });
            nodes.add(node);
        }
        return new ClusterNodes(nodes);
    }

    /** The node of {@code id}. @throws IllegalArgumentException when it is not one of them */
    public Node node(int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst().orElseThrow(
                () -> new IllegalArgumentException("node.id " + id + " is not in cluster.nodes " + nodes));
    }
}
