package dev.trilog.replication;

import java.io.IOException;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;

/** A test's stand-in for a Raft client's transport: asynchronous sends only, its subclass's. */
abstract class AsyncOnlyClientRpc implements RaftClientRpc {

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addRaftPeers(java.util.Collection<RaftPeer> peers) {
    }

    @Override
    public void close() {
    }
}
