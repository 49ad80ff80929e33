package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.ClientFactory;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.netty.NettyRpcProxy;
import org.apache.ratis.netty.NettyUtils;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcReplyProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexReplyProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;
import org.apache.ratis.util.ProtoUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's Netty service against Ratis' own Netty proxy, which matches replies to requests by
 * their order on the connection: answers that the server completes out of order must still reach
 * the right callers; a client's ordered writes must reach the server in their sliding-window order, as
 * over Ratis' gRPC transport; and a follower's read-index request (not in Ratis' Netty messages) must get
 * through.
 */
class OrderedNettyRpcServiceTest {

    private static final RaftPeerId ID = RaftPeerId.valueOf("n1");
    private static final ClientId CLIENT = ClientId.randomId();
    private static final RaftGroupId GROUP = RaftGroupId.randomId();

    /** What the fake server has been asked to append, each waiting for the test to answer it. */
    private final BlockingQueue<CompletableFuture<AppendEntriesReplyProto>> appends = new LinkedBlockingQueue<>();
    /** When set, what the fake server does before answering the next append at once (on the caller's thread). */
    private volatile Runnable answerAtOnce;
    /** The client requests the fake server was handed, in the order it was handed them. */
    private final BlockingQueue<Submitted> submitted = new LinkedBlockingQueue<>();

    private record Submitted(RaftClientRequest request, CompletableFuture<RaftClientReply> reply) {
        void succeed() {
            reply.complete(RaftClientReply.newBuilder().setRequest(request).setSuccess().build());
        }
    }
    private final RaftProperties properties = new RaftProperties();
    private final OrderedNettyRpcService service;
    private final EventLoopGroup clientLoop = NettyUtils.newEventLoopGroup("test-client", 1, false);

    OrderedNettyRpcServiceTest() throws Exception {
        NettyConfigKeys.Server.setHost(properties, "127.0.0.1");
        NettyConfigKeys.Server.setPort(properties, 0); // any free port: other trees run this test beside
        service = new OrderedNettyRpcService(fakeServer(), new RaftTransport.OrderedNetty());
        service.start();
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        clientLoop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
    }

    @Test
    void eachCallerGetsItsOwnReplyWhenTheServerAnswersTheLaterRequestFirst() throws Exception {
        NettyRpcProxy proxy = new NettyRpcProxy(peer(), properties, clientLoop);
        var first = proxy.sendAsync(append(1));
        var second = proxy.sendAsync(append(2));
        var firstAnswer = appends.poll(30, TimeUnit.SECONDS);
        var secondAnswer = appends.poll(30, TimeUnit.SECONDS);

        secondAnswer.complete(reply(2));
        firstAnswer.complete(reply(1));

        assertThat(first.get(30, TimeUnit.SECONDS).getAppendEntriesReply().getServerReply().getCallId()).isEqualTo(1);
        assertThat(second.get(30, TimeUnit.SECONDS).getAppendEntriesReply().getServerReply().getCallId()).isEqualTo(2);
        proxy.close();
    }

    @Test
    void aReplyReadyOnTheEventLoopDoesNotOvertakeOneWrittenFromAnotherThread() throws Exception {
        NettyRpcProxy proxy = new NettyRpcProxy(peer(), properties, clientLoop);
        var first = proxy.sendAsync(append(1));
        var firstAnswer = appends.poll(30, TimeUnit.SECONDS);
        // the second is answered at once, on the connection's event loop (as a follower answers an
        // inconsistent appendEntries), just after another thread answered the first: a write from
        // another thread only queues a task for the loop, which is still busy with the second
        answerAtOnce = () -> CompletableFuture.runAsync(() -> firstAnswer.complete(reply(1))).join();
        var second = proxy.sendAsync(append(2));

        assertThat(first.get(30, TimeUnit.SECONDS).getAppendEntriesReply().getServerReply().getCallId()).isEqualTo(1);
        assertThat(second.get(30, TimeUnit.SECONDS).getAppendEntriesReply().getServerReply().getCallId()).isEqualTo(2);
        proxy.close();
    }

    @Test
    void aRequestTheClientSendsFromItsEventLoopDoesNotOvertakeOneSentJustBeforeIt() throws Exception {
        RaftClientRpc client = ((ClientFactory) new RaftTransport.OrderedNetty().newFactory(null))
                .newRaftClientRpc(CLIENT, properties);
        client.addRaftPeers(List.of(peer()));
        List<CompletableFuture<RaftClientReply>> sent = new CopyOnWriteArrayList<>();
        // as Ratis' client sends the writes its window held back once a reply comes: on the
        // connection's event loop, which another thread's send has just queued a write on
        CompletableFuture<Void> onTheLoop = client.sendRequestAsync(read(1)).thenAccept(reply -> {
            CompletableFuture.runAsync(() -> sent.add(client.sendRequestAsync(read(2)))).join();
            sent.add(client.sendRequestAsync(read(3)));
        });
        nextSubmitted().succeed();
        onTheLoop.get(30, TimeUnit.SECONDS);
        nextSubmitted().succeed();
        nextSubmitted().succeed();

        assertThat(sent.get(0).get(30, TimeUnit.SECONDS).getCallId()).isEqualTo(2);
        assertThat(sent.get(1).get(30, TimeUnit.SECONDS).getCallId()).isEqualTo(3);
        client.close();
    }

    @Test
    void aClientsWritesReachTheServerInTheirNumbersOrderWhicheverComesFirst() throws Exception {
        NettyRpcProxy proxy = new NettyRpcProxy(peer(), properties, clientLoop);
        // the client's second write is held up (sent again after a time-out) while its third goes through
        var first = proxy.sendAsync(write(1, 1, true));
        var third = proxy.sendAsync(write(3, 3, false));
        var second = proxy.sendAsync(write(2, 2, false));

        List<Submitted> handed = List.of(nextSubmitted(), nextSubmitted(), nextSubmitted());
        assertThat(handed).extracting(h -> h.request().getCallId()).containsExactly(1L, 2L, 3L);
        handed.get(2).succeed();
        handed.get(1).succeed();
        handed.get(0).succeed();

        // the replies go back in the order the requests came, each to its own caller
        assertThat(callId(first)).isEqualTo(1);
        assertThat(callId(third)).isEqualTo(3);
        assertThat(callId(second)).isEqualTo(2);
        proxy.close();
    }

    @Test
    void aWriteMarkedFirstStartsTheClientsWindowAgainAndWhatTheOldOneHeldBackFails() throws Exception {
        NettyRpcProxy proxy = new NettyRpcProxy(peer(), properties, clientLoop);
        var first = proxy.sendAsync(write(1, 1, true));
        Submitted handedFirst = nextSubmitted();
        // 3 waits for 2; the client gives 2 up, resets its window and sends 2 again marked first
        var third = proxy.sendAsync(write(3, 3, false));
        var second = proxy.sendAsync(write(2, 2, true));

        Submitted handedSecond = nextSubmitted();
        assertThat(handedSecond.request().getCallId()).isEqualTo(2);
        handedFirst.succeed();
        handedSecond.succeed();

        assertThat(callId(first)).isEqualTo(1);
        assertThatThrownBy(() -> third.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AlreadyClosedException.class);
        assertThat(callId(second)).isEqualTo(2);
        assertThat(submitted).as("3 is not handed on until the client sends it again").isEmpty();
        proxy.close();
    }

    @Test
    void aReadIndexRequestReachesTheServerAndItsReplyTheCaller() throws Exception {
        service.addRaftPeers(List.of(peer()));
        ReadIndexRequestProto request = ReadIndexRequestProto.newBuilder().setServerRequest(header(7)).build();

        ReadIndexReplyProto reply = service.async().readIndexAsync(request).get(30, TimeUnit.SECONDS);

        assertThat(reply.getReadIndex()).isEqualTo(42);
        assertThat(reply.getServerReply().getCallId()).isEqualTo(7);
    }

    private RaftPeer peer() {
        return RaftPeer.newBuilder().setId(ID).setAddress("127.0.0.1:" + service.getInetSocketAddress().getPort()).build();
    }

    private static RaftRpcRequestProto header(long callId) {
        return RaftRpcRequestProto.newBuilder().setRequestorId(ID.toByteString()).setReplyId(ID.toByteString())
                .setCallId(callId).build();
    }

    private Submitted nextSubmitted() throws InterruptedException {
        Submitted next = submitted.poll(30, TimeUnit.SECONDS);
        assertThat(next).as("a request handed to the server").isNotNull();
        return next;
    }

    private static long callId(CompletableFuture<RaftNettyServerReplyProto> reply) throws Exception {
        return reply.get(30, TimeUnit.SECONDS).getRaftClientReply().getRpcReply().getCallId();
    }

    /** A request of {@link #CLIENT}'s outside its sliding window (as a read is), for the Raft server at {@link #ID}. */
    private static RaftClientRequest read(long callId) {
        return RaftClientRequest.newBuilder().setClientId(CLIENT).setServerId(ID).setGroupId(GROUP).setCallId(callId)
                .setMessage(Message.valueOf("read " + callId)).setType(RaftClientRequest.readRequestType()).build();
    }

    /** One of {@link #CLIENT}'s asynchronous writes, numbered {@code seq} in its sliding window. */
    private static RaftNettyServerRequestProto write(long callId, long seq, boolean first) {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(CLIENT).setLeaderId(ID).setGroupId(GROUP)
                .setCallId(callId).setMessage(Message.valueOf("batch " + callId)).setType(RaftClientRequest.writeRequestType())
                .setSlidingWindowEntry(ProtoUtils.toSlidingWindowEntry(seq, first)).build();
        return RaftNettyServerRequestProto.newBuilder()
                .setRaftClientRequest(ClientProtoUtils.toRaftClientRequestProto(request)).build();
    }

    private static RaftNettyServerRequestProto append(long callId) {
        return RaftNettyServerRequestProto.newBuilder()
                .setAppendEntriesRequest(AppendEntriesRequestProto.newBuilder().setServerRequest(header(callId))).build();
    }

    private static AppendEntriesReplyProto reply(long callId) {
        return AppendEntriesReplyProto.newBuilder().setServerReply(RaftRpcReplyProto.newBuilder().setCallId(callId)).build();
    }

    /** A Raft server that hands appends to the test and answers read-index requests with index 42. */
    private RaftServer fakeServer() {
        return (RaftServer) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RaftServer.class},
                (self, method, args) -> switch (method.getName()) {
                    case "getId" -> ID;
                    case "getProperties" -> properties;
                    case "appendEntriesAsync" -> {
                        Runnable before = answerAtOnce;
                        if (before != null) {
                            before.run();
                            yield CompletableFuture.completedFuture(reply(
                                    ((AppendEntriesRequestProto) args[0]).getServerRequest().getCallId()));
                        }
                        CompletableFuture<AppendEntriesReplyProto> answer = new CompletableFuture<>();
                        appends.add(answer);
                        yield answer;
                    }
                    case "submitClientRequestAsync" -> {
                        CompletableFuture<RaftClientReply> reply = new CompletableFuture<>();
                        submitted.add(new Submitted((RaftClientRequest) args[0], reply));
                        yield reply;
                    }
                    case "readIndexAsync" -> CompletableFuture.completedFuture(ReadIndexReplyProto.newBuilder()
                            .setServerReply(RaftRpcReplyProto.newBuilder()
                                    .setCallId(((ReadIndexRequestProto) args[0]).getServerRequest().getCallId()))
                            .setReadIndex(42).build());
                    case "toString" -> "fake server";
                    case "hashCode" -> 0;
                    case "equals" -> self == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
