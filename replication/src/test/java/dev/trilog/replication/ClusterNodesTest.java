package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code cluster.nodes} as users write it, and the mistakes they may make in it. */
class ClusterNodesTest {

    @Test
    void parsesIdsAndAddresses() {
        ClusterNodes nodes = ClusterNodes.parse("1@127.0.0.1:9190, 2@localhost:9191,3@10.0.0.3:9192");

        assertThat(nodes.nodes()).extracting(ClusterNodes.Node::id).containsExactly(1, 2, 3);
        assertThat(nodes.node(2).address()).isEqualTo("localhost:9191");
    }

    @Test
    void refusesWhatIsNotIdAtHostColonPort() {
        assertThatThrownBy(() -> ClusterNodes.parse("1@127.0.0.1")).hasMessageContaining("is not id@host:port");
        assertThatThrownBy(() -> ClusterNodes.parse("one@h:1")).hasMessageContaining("is not id@host:port");
        assertThatThrownBy(() -> ClusterNodes.parse("1@h:0")).hasMessageContaining("ports 1 to 65535");
        assertThatThrownBy(() -> ClusterNodes.parse("16@h:1")).hasMessageContaining("ids 1 to 15");
        assertThatThrownBy(() -> ClusterNodes.parse("1@h:1,1@h:2")).hasMessageContaining("node 1 twice");
        assertThatThrownBy(() -> ClusterNodes.parse("1@h:1,2@h:2,3@h:1"))
                .hasMessageContaining("nodes 1 and 3 one replication address, h:1");
    }

    @Test
    void aNodeIdOutsideTheListIsNamed() {
        assertThatThrownBy(() -> ClusterNodes.parse("1@h:1").node(0)).hasMessageContaining("node.id 0 is not in");
    }
}
