package dev.trilog.replication;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.util.SlidingWindow;

/**
 * One Netty connection's ordered client requests (a Raft client's asynchronous writes, each
 * numbered in its sliding window), handed to the Raft server in their numbers' order and answered
 * in it — the order Ratis' gRPC server keeps per ordered stream ({@code GrpcClientProtocolService}),
 * with Ratis' own {@link SlidingWindow.Server} per client.
 *
 * <p>Without it a request the client sends again after a time-out or a leader change could reach
 * the leader after requests numbered later, and be committed after them: a producer's batches
 * out of order. A client starts its window again after every failure ({@code OrderedAsync}: it
 * resets, then sends the first unanswered request marked first — over gRPC on a new stream); a
 * request marked first here starts a new window for its client, the old one failing what it still
 * held back (as Ratis' server does when a stream ends). A request sent again that its earlier
 * window already handed on is answered by the server's retry cache, as over gRPC: the same call
 * is neither appended twice nor answered differently.
 *
 * <p>Used on the connection's event loop only (the windows themselves take replies from any thread).
 */
final class ClientRequestWindows<R> {

    private final Function<RaftClientRequest, CompletableFuture<R>> server;
    private final BiFunction<RaftClientRequest, Throwable, R> failure;
    private final Executor replies;
    private final Map<ClientId, SlidingWindow.Server<Pending<R>, R>> windows = new HashMap<>();

    /**
     * @param server  submits a request to the Raft server, in the order called
     * @param failure the reply to a request that failed, or that a closed window will not hand on
     * @param replies where a reply enters its window: not the thread that completed it, which may
     *                hold Raft server locks that a submission, under the window's lock, waits for
     */
    ClientRequestWindows(Function<RaftClientRequest, CompletableFuture<R>> server,
            BiFunction<RaftClientRequest, Throwable, R> failure, Executor replies) {
        this.server = server;
        this.failure = failure;
        this.replies = replies;
    }

    /** Whether {@code request} is one of a client's ordered requests (unordered and blocking ones carry no number). */
    static boolean ordered(RaftClientRequest request) {
        return request.getSlidingWindowEntry() != null;
    }

    /** {@code request}'s reply, once it and every request its client numbered before it in this window are answered. */
    CompletableFuture<R> submit(RaftClientRequest request) {
        Pending<R> pending = new Pending<>(request, failure);
        SlidingWindow.Server<Pending<R>, R> window = windows.get(request.getClientId());
        if (window == null || pending.isFirstRequest()) {
            if (window != null) {
                window.endOfRequests(Pending::answer);
            }
            window = new SlidingWindow.Server<>(request.getClientId(), Pending.end());
            windows.put(request.getClientId(), window);
        }
        SlidingWindow.Server<Pending<R>, R> in = window;
        in.receivedRequest(pending, next -> server.apply(next.request).whenCompleteAsync((reply, e) ->
                in.receiveReply(next.getSeqNum(), e == null ? reply : failure.apply(next.request, e), Pending::answer),
                replies));
        return pending.answered;
    }

    /** A request in a window; answered when the window lets its reply go. */
    private static final class Pending<R> implements SlidingWindow.ServerSideRequest<R> {
        private final RaftClientRequest request;
        private final BiFunction<RaftClientRequest, Throwable, R> failure;
        private final CompletableFuture<R> answered = new CompletableFuture<>();
        private volatile R reply;

        Pending(RaftClientRequest request, BiFunction<RaftClientRequest, Throwable, R> failure) {
            this.request = request;
            this.failure = failure;
        }

        /** The window's end marker (Ratis' windows need one, numbered last). */
        static <R> Pending<R> end() {
            return new Pending<>(null, null);
        }

        void answer() {
            if (request != null) {
                answered.complete(reply);
            }
        }

        @Override
        public long getSeqNum() {
            return request == null ? Long.MAX_VALUE : request.getSlidingWindowEntry().getSeqNum();
        }

        @Override
        public boolean isFirstRequest() {
            return request != null && request.getSlidingWindowEntry().getIsFirst();
        }

        @Override
        public void setReply(R r) {
            reply = r;
        }

        @Override
        public boolean hasReply() {
            return request == null || reply != null;
        }

        @Override
        public void fail(Throwable e) {
            reply = failure.apply(request, e);
        }
    }
}
