package dev.trilog.replication;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.ratis.client.ClientFactory;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;

/**
 * A Raft client's transport on which "this server has no such group" is a failure the client
 * retries at another peer, not one that ends the client's ordered stream.
 *
 * <p>A partition's group is added on a node only once that node applied the topic's creation; a
 * node that lost its data directory, or has not caught up with the metadata group, answers a
 * request for the group with {@link GroupMismatchException}. Ratis' ordered client treats that as
 * final: it fails every request it holds, those already sent to the leader too — which the leader
 * may have appended and a new leader may commit. Sending those again through a new client (new
 * client and call ids) wrote a batch twice (seen in ReplicatedNodeTest after a restart around a
 * wiped node). Turned into a retriable {@link IOException} here, the client tries another peer
 * with the same call ids, and a request that was committed already is answered from the leader's
 * retry cache instead of being appended again.
 */
final class GroupElsewhereRpc extends ForwardingClientRpc {

    GroupElsewhereRpc(RaftClientRpc transport) {
        super(transport);
    }

    /** A builder for a client of {@code properties}' transport that retries a missing group elsewhere. */
    static RaftClient.Builder clientBuilder(RaftProperties properties) {
        ClientId id = ClientId.randomId();
        ClientFactory factory = ClientFactory.cast(RaftConfigKeys.Rpc.type(properties, s -> { }).newFactory(new Parameters()));
        return RaftClient.newBuilder().setProperties(properties).setClientId(id)
                .setClientRpc(new GroupElsewhereRpc(factory.newRaftClientRpc(id, properties)));
    }

    /** The retriable stand-in for a server's {@link GroupMismatchException}. */
    static final class GroupNotOnThatServerException extends IOException {
        GroupNotOnThatServerException(Throwable cause) {
            super("that server does not have the group (yet): " + cause.getMessage(), cause);
        }
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
        return retriable(transport.sendRequestAsync(request));
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
        return retriable(transport.sendRequestAsyncUnordered(request));
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
        try {
            return transport.sendRequest(request);
        } catch (GroupMismatchException e) {
            throw new GroupNotOnThatServerException(e);
        }
    }

    private static CompletableFuture<RaftClientReply> retriable(CompletableFuture<RaftClientReply> sent) {
        return sent.handle((reply, failure) -> {
            if (failure == null) {
                return reply; // (a server sends a mismatch as a failed call, never inside a reply)
            }
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof GroupMismatchException mismatch) {
                    throw new CompletionException(new GroupNotOnThatServerException(mismatch));
                }
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
    }
}
