package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.junit.jupiter.api.Test;

/**
 * What waits on a reply never runs on the thread that completed it: Ratis' Netty proxy completes
 * replies holding its connection's lock, and Ratis' client logic run there deadlocked a node.
 */
class OffLoopClientRpcTest {

    /** Hands out one reply future per request, for the test to complete. */
    private static final class HeldReplies extends AsyncOnlyClientRpc {
        final CompletableFuture<RaftClientReply> reply = new CompletableFuture<>();

        @Override
        public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
            return reply;
        }
    }

    private static RaftClientRequest request() {
        return RaftClientRequest.newBuilder().setClientId(ClientId.randomId()).setServerId(RaftPeerId.valueOf("n1"))
                .setGroupId(RaftGroupId.randomId()).setCallId(1).setMessage(Message.valueOf("m"))
                .setType(RaftClientRequest.writeRequestType()).build();
    }

    @Test
    void aReplyReachesItsWaiterOnAnotherThreadThanTheOneThatCompletedIt() throws Exception {
        HeldReplies transport = new HeldReplies();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<RaftClientReply> reply = new OffLoopClientRpc(transport).sendRequestAsync(request());
        CompletableFuture<Void> waited = reply.thenAccept(r -> waiter.set(Thread.currentThread()));

        Object connectionLock = new Object();
        synchronized (connectionLock) { // as Ratis' proxy completes it
            transport.reply.complete(RaftClientReply.newBuilder().setClientId(ClientId.randomId())
                    .setServerId(RaftPeerId.valueOf("n1")).setGroupId(RaftGroupId.randomId()).setCallId(1)
                    .setSuccess().build());
        }

        waited.get(10, TimeUnit.SECONDS);
        assertThat(waiter.get()).isNotSameAs(Thread.currentThread());
        assertThat(waiter.get().getName()).isEqualTo("raft-netty-client-reply");
    }

    @Test
    void aFailedReplyReachesItsWaiterWithItsOwnException() {
        HeldReplies transport = new HeldReplies();
        CompletableFuture<RaftClientReply> reply = new OffLoopClientRpc(transport).sendRequestAsync(request());

        transport.reply.completeExceptionally(new TimeoutIOException("no reply"));

        assertThat(reply).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(
                java.util.concurrent.ExecutionException.class).havingCause().isInstanceOf(TimeoutIOException.class);
    }
}
