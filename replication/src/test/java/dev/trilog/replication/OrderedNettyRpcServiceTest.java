package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's Netty service against Ratis' own Netty proxy, which matches replies to requests by
 * their order on the connection: answers that the server completes out of order must still reach
 * the right callers, and a follower's read-index request (not in Ratis' Netty messages) must get
 * through.
 */
class OrderedNettyRpcServiceTest {

    private static final RaftPeerId ID = RaftPeerId.valueOf("n1");
    private static final int PORT = 29451;

    /** What the fake server has been asked to append, each waiting for the test to answer it. */
    private final BlockingQueue<CompletableFuture<AppendEntriesReplyProto>> appends = new LinkedBlockingQueue<>();
    private final RaftProperties properties = new RaftProperties();
    private final OrderedNettyRpcService service;
    private final EventLoopGroup clientLoop = NettyUtils.newEventLoopGroup("test-client", 1, false);

    OrderedNettyRpcServiceTest() throws Exception {
        NettyConfigKeys.Server.setHost(properties, "127.0.0.1");
        NettyConfigKeys.Server.setPort(properties, PORT);
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
    void aReadIndexRequestReachesTheServerAndItsReplyTheCaller() throws Exception {
        service.addRaftPeers(List.of(peer()));
        ReadIndexRequestProto request = ReadIndexRequestProto.newBuilder().setServerRequest(header(7)).build();

        ReadIndexReplyProto reply = service.async().readIndexAsync(request).get(30, TimeUnit.SECONDS);

        assertThat(reply.getReadIndex()).isEqualTo(42);
        assertThat(reply.getServerReply().getCallId()).isEqualTo(7);
    }

    private static RaftPeer peer() {
        return RaftPeer.newBuilder().setId(ID).setAddress("127.0.0.1:" + PORT).build();
    }

    private static RaftRpcRequestProto header(long callId) {
        return RaftRpcRequestProto.newBuilder().setRequestorId(ID.toByteString()).setReplyId(ID.toByteString())
                .setCallId(callId).build();
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
                        CompletableFuture<AppendEntriesReplyProto> answer = new CompletableFuture<>();
                        appends.add(answer);
                        yield answer;
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
