package dev.trilog.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.thirdparty.io.netty.util.internal.ThreadExecutorMap;

/**
 * Ratis' Netty client ({@code NettyClientRpc}) with each request put on the wire in the order its
 * reply is awaited. Ratis' proxy ({@code NettyRpcProxy.Connection.offer}) queues the reply's future,
 * then writes the request: from any other thread the write is a task queued on the connection's
 * event loop, but from the loop itself it goes out at once — ahead of the writes other threads
 * queued before it — and the server's replies, which come back in the order the requests arrived,
 * then complete the wrong callers' futures. Ratis' client does send from the loop: a reply,
 * delivered there, lets its sliding window send the requests it held back after a failure
 * ({@code SlidingWindow.Client.receiveReply}). So a request sent from a Netty event loop is handed
 * to a thread of its own (the client's sends in their order), where its write is queued as every
 * other thread's is.
 */
final class OffLoopClientRpc extends ForwardingClientRpc {

    private static final ExecutorService SENDERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "raft-netty-client-send");
        thread.setDaemon(true);
        return thread;
    });

    /** The last send handed off the loop; the next one follows it. Guarded by {@code this}. */
    private CompletableFuture<?> previousHandedOff = CompletableFuture.completedFuture(null);

    OffLoopClientRpc(RaftClientRpc netty) {
        super(netty);
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
        if (ThreadExecutorMap.currentExecutor() == null) {
            return transport.sendRequestAsync(request);
        }
        CompletableFuture<CompletableFuture<RaftClientReply>> sent;
        synchronized (this) {
            sent = previousHandedOff.handleAsync((done, e) -> transport.sendRequestAsync(request), SENDERS);
            previousHandedOff = sent;
        }
        return sent.thenCompose(reply -> reply);
    }
}
