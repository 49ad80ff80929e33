package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.junit.jupiter.api.Test;

/**
 * A peer that does not have the group yet sends the client on to another peer, with the same
 * call ids: the requests it held are not failed (and then sent again as new ones, which wrote a
 * batch twice when the leader had committed the first).
 */
class GroupElsewhereRpcTest {

    private static final RaftPeerId WITHOUT_GROUP = RaftPeerId.valueOf("n3");
    private static final RaftPeerId LEADER = RaftPeerId.valueOf("n1");
    private static final RaftGroup GROUP = RaftGroup.valueOf(RaftGroupId.randomId(),
            RaftPeer.newBuilder().setId(LEADER).setAddress("127.0.0.1:1").build(),
            RaftPeer.newBuilder().setId(WITHOUT_GROUP).setAddress("127.0.0.1:2").build());

    /** n3 answers every request with a group mismatch (a failed call, as over gRPC); n1 takes them. */
    private static final class TwoPeers extends AsyncOnlyClientRpc {
        final Map<Long, Integer> takenByLeader = new ConcurrentHashMap<>();
        final List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
            if (request.getServerId().equals(WITHOUT_GROUP)) {
                return CompletableFuture.failedFuture(new GroupMismatchException(WITHOUT_GROUP + ": group not found"));
            }
            takenByLeader.merge(request.getCallId(), 1, Integer::sum);
            if (request.getType().is(org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase.WRITE)) {
                messages.add(request.getMessage().getContent().toStringUtf8());
            }
            return CompletableFuture.completedFuture(reply(request).setSuccess().setMessage(Message.EMPTY).build());
        }

        private static RaftClientReply.Builder reply(RaftClientRequest request) {
            return RaftClientReply.newBuilder().setClientId(request.getClientId()).setServerId(request.getServerId())
                    .setGroupId(request.getRaftGroupId()).setCallId(request.getCallId()).setLogIndex(1);
        }
    }

    @Test
    void aPeerWithoutTheGroupSendsTheClientToAnotherWithTheSameCalls() throws Exception {
        TwoPeers peers = new TwoPeers();
        try (RaftClient client = RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(GROUP)
                .setLeaderId(WITHOUT_GROUP).setClientId(ClientId.randomId())
                .setClientRpc(new GroupElsewhereRpc(peers)).setRetryPolicy(LeaderWait.policy()).build()) {
            List<CompletableFuture<RaftClientReply>> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(client.async().send(Message.valueOf("batch-" + i)));
            }
            for (CompletableFuture<RaftClientReply> reply : sent) {
                assertThat(reply.get(30, TimeUnit.SECONDS).isSuccess()).isTrue();
            }
        }
        assertThat(peers.messages).containsExactly("batch-0", "batch-1", "batch-2", "batch-3", "batch-4");
        assertThat(peers.takenByLeader.values()).as("each call reached the leader once").containsOnly(1);
    }
}
