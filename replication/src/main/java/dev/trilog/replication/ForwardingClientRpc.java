package dev.trilog.replication;

import java.io.IOException;
import java.util.Collection;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * A Raft client's transport that hands every call to {@code transport}: the base of the wrappers
 * that change only how requests are sent ({@link GroupElsewhereRpc}, {@link OffLoopClientRpc}).
 * Its asynchronous sends are Ratis' defaults (unsupported) until a subclass forwards them.
 */
abstract class ForwardingClientRpc implements RaftClientRpc {

    protected final RaftClientRpc transport;

    ForwardingClientRpc(RaftClientRpc transport) {
        this.transport = transport;
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
        return transport.sendRequest(request);
    }

    @Override
    public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
        return transport.handleException(serverId, t, reconnect);
    }

    @Override
    public boolean shouldReconnect(Throwable t) {
        return transport.shouldReconnect(t);
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {
        transport.addRaftPeers(peers);
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
