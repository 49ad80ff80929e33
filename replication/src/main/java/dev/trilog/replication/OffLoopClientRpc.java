package dev.trilog.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.thirdparty.io.netty.util.internal.ThreadExecutorMap;

/**
 * Ratis' Netty client ({@code NettyClientRpc}) kept off the threads its proxy holds, both ways.
 *
 * <p><b>Sends.</b> Each request goes on the wire in the order its reply is awaited. Ratis' proxy
 * ({@code NettyRpcProxy.Connection.offer}) queues the reply's future, then writes the request: from
 * any other thread the write is a task queued on the connection's event loop, but from the loop
 * itself it goes out at once — ahead of the writes other threads queued before it — and the
 * server's replies, which come back in the order the requests arrived, then complete the wrong
 * callers' futures. So a request sent from a Netty event loop is handed to a thread of its own (the
 * client's sends in their order), where its write is queued as every other thread's is.
 *
 * <p><b>Replies.</b> Each reply reaches its waiter on a thread of its own, never on the thread that
 * completed it. Ratis' proxy completes replies while it holds its connection's lock (reading one on
 * the event loop, failing all when the connection closes), and what waits on them is Ratis' client
 * logic: its sliding window's lock, resends, a new connection. Run there, it deadlocked a node
 * (seen in CI): a timer closing a failed connection held the connection's lock and, failing a
 * reply, waited for the sliding window's lock; a retry holding that lock was connecting afresh and
 * waited for the event loop to register the channel; and the event loop, reading a reply, waited
 * for the connection's lock.
 */
final class OffLoopClientRpc extends ForwardingClientRpc {

    private static final ExecutorService SENDERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "raft-netty-client-send");
        thread.setDaemon(true);
        return thread;
    });

    private static final ExecutorService REPLIES = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "raft-netty-client-reply");
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
            return handedOn(transport.sendRequestAsync(request));
        }
        CompletableFuture<CompletableFuture<RaftClientReply>> sent;
        synchronized (this) {
            sent = previousHandedOff.handleAsync((done, e) -> transport.sendRequestAsync(request), SENDERS);
            previousHandedOff = sent;
        }
        return handedOn(sent.thenCompose(reply -> reply));
    }

    /** {@code reply}, completed for its waiters on a thread of {@link #REPLIES}. */
    private static CompletableFuture<RaftClientReply> handedOn(CompletableFuture<RaftClientReply> reply) {
        CompletableFuture<RaftClientReply> handedOn = new CompletableFuture<>();
        reply.whenCompleteAsync((value, failure) -> {
            if (failure == null) {
                handedOn.complete(value);
            } else {
                handedOn.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        }, REPLIES);
        return handedOn;
    }
}
