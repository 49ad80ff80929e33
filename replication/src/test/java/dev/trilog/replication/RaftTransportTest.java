package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.ServerFactory;
import org.junit.jupiter.api.Test;

class RaftTransportTest {

    @Test
    void theSettingNamesATransportInAnyCaseAndRefusesAnythingElse() {
        assertThat(RaftTransport.parse(" Netty")).isEqualTo(RaftTransport.NETTY);
        assertThat(RaftTransport.parse("grpc")).isEqualTo(RaftTransport.GRPC);
        assertThatThrownBy(() -> RaftTransport.parse("http")).hasMessageContaining("netty or grpc");
    }

    /** Ratis finds the transport again by the name it was set under, as a server and its clients do. */
    @Test
    void ratisFindsTheNettyTransportByTheNameItIsSetUnder() {
        RaftProperties properties = new RaftProperties();
        RaftTransport.NETTY.applyTo(properties, "127.0.0.1", 29452);

        var factory = RaftConfigKeys.Rpc.type(properties, s -> { }).newFactory(new Parameters());

        assertThat(factory.getRpcType()).isInstanceOf(RaftTransport.OrderedNetty.class);
        assertThat(factory).isInstanceOf(ServerFactory.class);
        RaftTransport.GRPC.applyTo(properties, "127.0.0.1", 29452);
        assertThat(RaftConfigKeys.Rpc.type(properties, s -> { })).isEqualTo(SupportedRpcType.GRPC);
    }
}
