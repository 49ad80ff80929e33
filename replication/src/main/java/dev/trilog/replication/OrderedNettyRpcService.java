package dev.trilog.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.netty.NettyRpcProxy;
import org.apache.ratis.netty.NettyUtils;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotReplyProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcReplyProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexReplyProto;
import org.apache.ratis.proto.RaftProtos.ReadIndexRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteReplyProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionReplyProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyExceptionReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerReplyProto;
import org.apache.ratis.proto.netty.NettyProtos.RaftNettyServerRequestProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.apache.ratis.server.protocol.RaftServerAsynchronousProtocol;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.thirdparty.com.google.protobuf.UnknownFieldSet;
import org.apache.ratis.thirdparty.io.netty.bootstrap.ServerBootstrap;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelFuture;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelHandlerContext;
import org.apache.ratis.thirdparty.io.netty.channel.ChannelInitializer;
import org.apache.ratis.thirdparty.io.netty.channel.EventLoopGroup;
import org.apache.ratis.thirdparty.io.netty.channel.SimpleChannelInboundHandler;
import org.apache.ratis.thirdparty.io.netty.channel.socket.SocketChannel;
import org.apache.ratis.thirdparty.io.netty.handler.codec.protobuf.ProtobufDecoder;
import org.apache.ratis.thirdparty.io.netty.handler.codec.protobuf.ProtobufEncoder;
import org.apache.ratis.thirdparty.io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import org.apache.ratis.thirdparty.io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import org.apache.ratis.util.ProtoUtils;
import org.apache.ratis.util.TimeDuration;

/**
 * A node's Raft server over Ratis' Netty wire format (the requests and replies of
 * {@code ratis-netty}'s {@code NettyRpcService}, whose clients and peer proxies it keeps), answering
 * without holding the connection's event loop. Ratis' own service answers each request on the loop,
 * one at a time: a forwarded write ({@link LeaderForwarding}) held it until committed, and every
 * other connection on that loop — appendEntries for the other groups among them — waited behind it.
 * Here each request is handed to the server's asynchronous call and the replies go out in the order
 * the requests came in, which is how Ratis' Netty proxies match them ({@code NettyRpcProxy} keeps one
 * queue of pending replies per connection). A client's ordered writes are handed on in the order
 * of their sliding-window numbers ({@link ClientRequestWindows}), as Ratis' gRPC server does and its
 * Netty one does not. The few calls Ratis has only blocking (a vote, a snapshot notification, an
 * election start) run on a thread of their own.
 *
 * <p>Also carries read-index requests, which Ratis' Netty format lacks and a follower's linearizable
 * read ({@link PartitionGroups#caughtUp}) sends to its leader: as field {@value #READ_INDEX_FIELD} of
 * the request and reply envelopes, a field Ratis' messages do not have, so they arrive as an unknown
 * field either side. Every node runs this service, so both ends understand it.
 */
final class OrderedNettyRpcService extends RaftServerRpcWithProxy<NettyRpcProxy, NettyRpcProxy.PeerMap> {

    /** The envelope field a read-index request or reply travels in (Ratis' own go up to 12 and 8). */
    static final int READ_INDEX_FIELD = 100;

    private final RaftServer server;
    private final RpcType type;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ExecutorService blockingCalls;
    private final InetSocketAddress address;
    private final TimeDuration callerPatience;
    private volatile ChannelFuture bound;

    OrderedNettyRpcService(RaftServer server, RpcType type) {
        super(server::getId, id -> new NettyRpcProxy.PeerMap(id.toString(), server.getProperties()));
        this.server = server;
        this.type = type;
        boolean epoll = NettyConfigKeys.Server.useEpoll(server.getProperties());
        this.acceptor = NettyUtils.newEventLoopGroup("raft-netty-accept", 1, epoll);
        this.workers = NettyUtils.newEventLoopGroup("raft-netty-worker", 0, epoll);
        this.blockingCalls = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "raft-netty-blocking-call");
            thread.setDaemon(true);
            return thread;
        });
        String host = NettyConfigKeys.Server.host(server.getProperties());
        int port = NettyConfigKeys.Server.port(server.getProperties());
        this.callerPatience = RaftClientConfigKeys.Rpc.requestTimeout(server.getProperties());
        this.address = host == null || host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    @Override
    public RpcType getRpcType() {
        return type;
    }

    @Override
    protected void startImpl() throws IOException {
        try {
            bound = new ServerBootstrap().group(acceptor, workers).channel(NettyUtils.getServerChannelClass(workers))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new ProtobufVarint32FrameDecoder(),
                                    new ProtobufDecoder(RaftNettyServerRequestProto.getDefaultInstance()),
                                    new ProtobufVarint32LengthFieldPrepender(), new ProtobufEncoder(),
                                    new InOrderReplies());
                        }
                    }).bind(address).syncUninterruptibly();
        } catch (RuntimeException e) {
            throw new IOException(getId() + ": cannot listen at " + address, e);
        }
    }

    @Override
    public void closeImpl() throws IOException {
        if (bound != null) {
            bound.channel().close().syncUninterruptibly();
        }
        acceptor.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        blockingCalls.shutdownNow();
        super.closeImpl();
    }

    @Override
    public InetSocketAddress getInetSocketAddress() {
        return bound == null ? address : (InetSocketAddress) bound.channel().localAddress();
    }

    /** One per connection: each reply is written once it and every reply before it are ready. */
    private final class InOrderReplies extends SimpleChannelInboundHandler<RaftNettyServerRequestProto> {
        /** Touched on the connection's event loop only. */
        private CompletableFuture<Void> previousWritten = CompletableFuture.completedFuture(null);
        private ClientRequestWindows<RaftNettyServerReplyProto> clientRequests;

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            clientRequests = new ClientRequestWindows<>(OrderedNettyRpcService.this::submitted,
                    (request, e) -> failure(headerOf(request), e), context.executor());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, RaftNettyServerRequestProto request) {
            CompletableFuture<RaftNettyServerReplyProto> reply = answer(request, clientRequests);
            // written on the loop, and only then the next: from another thread writeAndFlush just
            // queues the write for the loop, and a next reply ready on the loop would go out ahead
            // of it — every later caller on the connection then taking another's reply
            previousWritten = previousWritten.thenCombine(reply, (written, next) -> next)
                    .thenAcceptAsync(context::writeAndFlush, context.executor());
        }
    }

    private CompletableFuture<RaftNettyServerReplyProto> answer(RaftNettyServerRequestProto request,
            ClientRequestWindows<RaftNettyServerReplyProto> clientRequests) {
        RaftNettyServerReplyProto.Builder reply = RaftNettyServerReplyProto.newBuilder();
        CompletableFuture<RaftNettyServerReplyProto> answered;
        RaftRpcRequestProto header;
        try {
            switch (request.getRaftNettyServerRequestCase()) {
                case APPENDENTRIESREQUEST -> {
                    header = request.getAppendEntriesRequest().getServerRequest();
                    answered = server.appendEntriesAsync(request.getAppendEntriesRequest())
                            .thenApply(r -> reply.setAppendEntriesReply(r).build());
                }
                case RAFTCLIENTREQUEST -> {
                    header = request.getRaftClientRequest().getRpcRequest();
                    RaftClientRequest clientRequest = ClientProtoUtils.toRaftClientRequest(request.getRaftClientRequest());
                    answered = ClientRequestWindows.ordered(clientRequest) ? clientRequests.submit(clientRequest)
                            : submitted(clientRequest);
                }
                case REQUESTVOTEREQUEST -> {
                    header = request.getRequestVoteRequest().getServerRequest();
                    answered = blocking(() -> reply.setRequestVoteReply(server.requestVote(request.getRequestVoteRequest())).build());
                }
                case INSTALLSNAPSHOTREQUEST -> {
                    header = request.getInstallSnapshotRequest().getServerRequest();
                    answered = blocking(() -> reply.setInstallSnapshotReply(
                            server.installSnapshot(request.getInstallSnapshotRequest())).build());
                }
                case STARTLEADERELECTIONREQUEST -> {
                    header = request.getStartLeaderElectionRequest().getServerRequest();
                    answered = blocking(() -> reply.setStartLeaderElectionReply(
                            server.startLeaderElection(request.getStartLeaderElectionRequest())).build());
                }
                case SETCONFIGURATIONREQUEST -> {
                    header = request.getSetConfigurationRequest().getRpcRequest();
                    answered = server.setConfigurationAsync(ClientProtoUtils.toSetConfigurationRequest(
                            request.getSetConfigurationRequest())).thenApply(r -> clientReply(reply, r));
                }
                case GROUPMANAGEMENTREQUEST -> {
                    header = request.getGroupManagementRequest().getRpcRequest();
                    answered = server.groupManagementAsync(ClientProtoUtils.toGroupManagementRequest(
                            request.getGroupManagementRequest())).thenApply(r -> clientReply(reply, r));
                }
                case GROUPLISTREQUEST -> {
                    header = request.getGroupListRequest().getRpcRequest();
                    answered = server.getGroupListAsync(ClientProtoUtils.toGroupListRequest(request.getGroupListRequest()))
                            .thenApply(r -> reply.setGroupListReply(ClientProtoUtils.toGroupListReplyProto(r)).build());
                }
                case GROUPINFOREQUEST -> {
                    header = request.getGroupInfoRequest().getRpcRequest();
                    answered = server.getGroupInfoAsync(ClientProtoUtils.toGroupInfoRequest(request.getGroupInfoRequest()))
                            .thenApply(r -> reply.setGroupInfoReply(ClientProtoUtils.toGroupInfoReplyProto(r)).build());
                }
                case TRANSFERLEADERSHIPREQUEST -> {
                    header = request.getTransferLeadershipRequest().getRpcRequest();
                    answered = server.transferLeadershipAsync(ClientProtoUtils.toTransferLeadershipRequest(
                            request.getTransferLeadershipRequest())).thenApply(r -> clientReply(reply, r));
                }
                case SNAPSHOTMANAGEMENTREQUEST -> {
                    header = request.getSnapshotManagementRequest().getRpcRequest();
                    answered = server.snapshotManagementAsync(ClientProtoUtils.toSnapshotManagementRequest(
                            request.getSnapshotManagementRequest())).thenApply(r -> clientReply(reply, r));
                }
                case LEADERELECTIONMANAGEMENTREQUEST -> {
                    header = request.getLeaderElectionManagementRequest().getRpcRequest();
                    answered = server.leaderElectionManagementAsync(ClientProtoUtils.toLeaderElectionManagementRequest(
                            request.getLeaderElectionManagementRequest())).thenApply(r -> clientReply(reply, r));
                }
                default -> {
                    ReadIndexRequestProto readIndex = readIndexIn(request);
                    header = readIndex.getServerRequest();
                    answered = server.readIndexAsync(readIndex).thenApply(r -> RaftNettyServerReplyProto.newBuilder()
                            .setUnknownFields(inField(r.toByteString())).build());
                }
            }
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.completedFuture(failure(request, e));
        }
        RaftRpcRequestProto answering = header;
        // the caller waits this long (NettyRpcProxy.send); a reply not ready by then would hold back
        // every later reply on the connection for nothing
        long patienceMs = callerPatience.toLong(TimeUnit.MILLISECONDS) + header.getTimeoutMs();
        return answered.orTimeout(patienceMs, TimeUnit.MILLISECONDS).exceptionally(e -> failure(answering, e));
    }

    /** {@code request} handed to the Raft server now; its reply, or the failure to send back. */
    private CompletableFuture<RaftNettyServerReplyProto> submitted(RaftClientRequest request) {
        try {
            return server.submitClientRequestAsync(request)
                    .thenApply(r -> clientReply(RaftNettyServerReplyProto.newBuilder(), r));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The header a failure reply to {@code request} names (the caller matches replies by order, and logs these). */
    private static RaftRpcRequestProto headerOf(RaftClientRequest request) {
        return RaftRpcRequestProto.newBuilder().setRequestorId(request.getClientId().toByteString())
                .setReplyId(request.getServerId().toByteString()).setCallId(request.getCallId()).build();
    }

    private static RaftNettyServerReplyProto clientReply(RaftNettyServerReplyProto.Builder reply, RaftClientReply r) {
        return reply.setRaftClientReply(ClientProtoUtils.toRaftClientReplyProto(r)).build();
    }

    private interface BlockingCall {
        RaftNettyServerReplyProto call() throws IOException;
    }

    private CompletableFuture<RaftNettyServerReplyProto> blocking(BlockingCall call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, blockingCalls);
    }

    private static ReadIndexRequestProto readIndexIn(RaftNettyServerRequestProto request) throws IOException {
        var field = request.getUnknownFields().getField(READ_INDEX_FIELD);
        if (field == null || field.getLengthDelimitedList().isEmpty()) {
            throw new IOException("unsupported request " + request.getRaftNettyServerRequestCase());
        }
        return ReadIndexRequestProto.parseFrom(field.getLengthDelimitedList().get(0));
    }

    private static UnknownFieldSet inField(ByteString message) {
        return UnknownFieldSet.newBuilder().addField(READ_INDEX_FIELD,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(message).build()).build();
    }

    private RaftNettyServerReplyProto failure(RaftNettyServerRequestProto request, Throwable e) {
        RaftRpcRequestProto header;
        try {
            header = switch (request.getRaftNettyServerRequestCase()) {
                case APPENDENTRIESREQUEST -> request.getAppendEntriesRequest().getServerRequest();
                case RAFTCLIENTREQUEST -> request.getRaftClientRequest().getRpcRequest();
                default -> readIndexIn(request).getServerRequest();
            };
        } catch (IOException | RuntimeException unknown) {
            header = RaftRpcRequestProto.getDefaultInstance();
        }
        return failure(header, e);
    }

    /** As Ratis' service sends a failure: the exception, serialized, which the caller's proxy throws. */
    private static RaftNettyServerReplyProto failure(RaftRpcRequestProto request, Throwable e) {
        Throwable cause = e instanceof CompletionException || e instanceof ExecutionException ? e.getCause() : e;
        IOException io = cause instanceof IOException i ? i
                : cause instanceof java.util.concurrent.TimeoutException ? new TimeoutIOException("no answer in time", cause)
                : new IOException(cause);
        RaftRpcReplyProto header = RaftRpcReplyProto.newBuilder().setRequestorId(request.getRequestorId())
                .setReplyId(request.getReplyId()).setCallId(request.getCallId()).setSuccess(false).build();
        return RaftNettyServerReplyProto.newBuilder().setExceptionReply(RaftNettyExceptionReplyProto.newBuilder()
                .setRpcReply(header).setException(ProtoUtils.writeObject2ByteString(io))).build();
    }

    // the calls this node makes to its peers, as Ratis' Netty service makes them

    @Override
    public RequestVoteReplyProto requestVote(RequestVoteRequestProto request) throws IOException {
        return send(request.getServerRequest(), RaftNettyServerRequestProto.newBuilder().setRequestVoteRequest(request).build())
                .getRequestVoteReply();
    }

    @Override
    public StartLeaderElectionReplyProto startLeaderElection(StartLeaderElectionRequestProto request) throws IOException {
        return send(request.getServerRequest(), RaftNettyServerRequestProto.newBuilder()
                .setStartLeaderElectionRequest(request).build()).getStartLeaderElectionReply();
    }

    @Override
    public AppendEntriesReplyProto appendEntries(AppendEntriesRequestProto request) throws IOException {
        return send(request.getServerRequest(), RaftNettyServerRequestProto.newBuilder().setAppendEntriesRequest(request).build())
                .getAppendEntriesReply();
    }

    @Override
    public InstallSnapshotReplyProto installSnapshot(InstallSnapshotRequestProto request) throws IOException {
        return send(request.getServerRequest(), RaftNettyServerRequestProto.newBuilder()
                .setInstallSnapshotRequest(request).build()).getInstallSnapshotReply();
    }

    private RaftNettyServerReplyProto send(RaftRpcRequestProto header, RaftNettyServerRequestProto request) throws IOException {
        RaftPeerId to = RaftPeerId.valueOf(header.getReplyId());
        try {
            return getProxies().getProxy(to).send(header, request);
        } catch (IOException | RuntimeException e) {
            getProxies().handleException(to, e, false);
            throw e;
        }
    }

    @Override
    public RaftServerAsynchronousProtocol async() {
        return new RaftServerAsynchronousProtocol() {
            @Override
            public CompletableFuture<AppendEntriesReplyProto> appendEntriesAsync(AppendEntriesRequestProto request) {
                throw new UnsupportedOperationException("the leader's appender sends appendEntries blocking");
            }

            @Override
            public CompletableFuture<ReadIndexReplyProto> readIndexAsync(ReadIndexRequestProto request) throws IOException {
                RaftNettyServerRequestProto envelope = RaftNettyServerRequestProto.newBuilder()
                        .setUnknownFields(inField(request.toByteString())).build();
                RaftPeerId to = RaftPeerId.valueOf(request.getServerRequest().getReplyId());
                // on a thread of its own, not under the proxy's connection lock (OffLoopClientRpc says why)
                return getProxies().getProxy(to).sendAsync(envelope).thenApplyAsync(readIndexReply(), blockingCalls);
            }
        };
    }

    private static Function<RaftNettyServerReplyProto, ReadIndexReplyProto> readIndexReply() {
        return reply -> {
            var field = reply.getUnknownFields().getField(READ_INDEX_FIELD);
            try {
                return ReadIndexReplyProto.parseFrom(field.getLengthDelimitedList().get(0));
            } catch (InvalidProtocolBufferException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
