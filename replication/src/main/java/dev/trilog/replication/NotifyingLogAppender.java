package dev.trilog.replication;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotReplyProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotResult;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppenderBase;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.util.Timestamp;

/**
 * The leader's appender for one follower over a request-reply transport (Netty): Ratis' own
 * {@code LogAppenderDefault}, except that a follower whose next entry the leader's log was purged
 * of is <em>told</em> to install a snapshot ({@code InstallSnapshotRequest} notifications, which the
 * follower's state machine answers by fetching one — {@link EngineStateMachine#notifyInstallSnapshotFromLeader})
 * instead of being sent the leader's snapshot files, which our state machines do not keep
 * ({@link SnapshotSettings}: install disabled). The default appender knows only the file push and,
 * with nothing to push, retried it for ever. The notification's bookkeeping is that of Ratis' gRPC
 * appender ({@code GrpcLogAppender.InstallSnapshotResponseHandler}).
 */
final class NotifyingLogAppender extends LogAppenderBase {

    private long failedNotifications;

    NotifyingLogAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
    }

    @Override
    public long getCallId() {
        return CallId.get();
    }

    @Override
    public Comparator<Long> getCallIdComparator() {
        return CallId.getComparator();
    }

    @Override
    public void run() throws InterruptedException, IOException {
        while (isRunning()) {
            if (shouldSendAppendEntries()) {
                TermIndex firstAvailable = followerNeedsSnapshotFrom();
                if (firstAvailable != null) {
                    if (!notifyInstallSnapshot(firstAvailable)) {
                        // not installed yet: ask again a heartbeat later, not at every new entry's signal
                        TimeUnit.MILLISECONDS.sleep(Math.max(getServer().properties().minRpcTimeoutMs() / 2, 1));
                    }
                } else {
                    long[] firstSent = {RaftLog.INVALID_LOG_INDEX};
                    AppendEntriesReplyProto reply = appendWithRetries(firstSent);
                    if (reply != null) {
                        onAppendReply(reply, firstSent[0]);
                    }
                }
            }
            if (isRunning() && !hasAppendEntries()) {
                getEventAwaitForSignal().await(getHeartbeatWaitTimeMs(), TimeUnit.MILLISECONDS);
            }
            getLeaderState().checkHealth(getFollower());
        }
    }

    /**
     * The first entry the leader still has, when the follower needs entries before it (purged) or
     * joins without having installed a snapshot yet; null when appending entries will do.
     */
    private TermIndex followerNeedsSnapshotFrom() {
        FollowerInfo follower = getFollower();
        RaftLog log = getRaftLog();
        long leaderNext = log.getNextIndex();
        long leaderStart = log.getStartIndex();
        TermIndex firstAvailable = Optional.ofNullable(log.getTermIndex(leaderStart))
                .orElseGet(() -> TermIndex.valueOf(getServer().getInfo().getCurrentTerm(), leaderNext));
        if (getLeaderState().isFollowerBootstrapping(follower) && !follower.hasAttemptedToInstallSnapshot()) {
            return firstAvailable;
        }
        long followerNext = follower.getNextIndex();
        if (followerNext >= leaderNext) {
            return null;
        }
        return followerNext < leaderStart || leaderStart == RaftLog.INVALID_LOG_INDEX ? firstAvailable : null;
    }

    /**
     * One notification; the follower answers IN_PROGRESS while its state machine installs, and the
     * next heartbeat's notification learns the index it installed. True once it has one.
     */
    private boolean notifyInstallSnapshot(TermIndex firstAvailable) throws InterruptedIOException {
        InstallSnapshotReplyProto reply;
        try {
            getFollower().updateLastRpcSendTime(false);
            reply = getServerRpc().installSnapshot(newInstallSnapshotNotificationRequest(firstAvailable));
            getFollower().updateLastRpcResponseTime();
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (failedNotifications++ % 100 == 0) { // asked again every heartbeat while the follower cannot answer
                LOG.warn("{}: failed to notify the follower to install a snapshot from {} ({} times)", this,
                        firstAvailable, failedNotifications, e);
            }
            getServerRpc().handleException(getFollowerId(), e, false);
            return false;
        }
        switch (reply.getResult()) {
            case ALREADY_INSTALLED, SNAPSHOT_INSTALLED -> {
                long installed = reply.getSnapshotIndex();
                LOG.info("{}: follower has a snapshot through index {} ({})", this, installed, reply.getResult());
                getFollower().setSnapshotIndex(installed);
                getFollower().setAttemptedToInstallSnapshot();
                getLeaderState().onFollowerCommitIndex(getFollower(), installed);
                getFollower().updateNextIndex(installed + 1);
                if (reply.getResult() == InstallSnapshotResult.SNAPSHOT_INSTALLED
                        && installed + 1 >= getRaftLog().getStartIndex()) {
                    getServer().getStateMachine().event().notifySnapshotInstalled(
                            InstallSnapshotResult.SUCCESS, installed, getFollower().getPeer());
                }
            }
            case SNAPSHOT_UNAVAILABLE -> {
                getFollower().setAttemptedToInstallSnapshot();
                getServer().getStateMachine().event().notifySnapshotInstalled(
                        InstallSnapshotResult.SNAPSHOT_UNAVAILABLE, RaftLog.INVALID_LOG_INDEX, getFollower().getPeer());
            }
            case NOT_LEADER -> onFollowerTerm(reply.getTerm());
            case CONF_MISMATCH -> LOG.error("{}: the follower pushes snapshot files (install enabled) and this leader"
                    + " does not; every node needs the same setting", this);
            default -> { } // IN_PROGRESS: asked again with the next heartbeat
        }
        return reply.getResult() == InstallSnapshotResult.ALREADY_INSTALLED
                || reply.getResult() == InstallSnapshotResult.SNAPSHOT_INSTALLED;
    }

    /** Ratis' {@code LogAppenderDefault.sendAppendEntriesWithRetries}: retries until it is answered or stops. */
    private AppendEntriesReplyProto appendWithRetries(long[] firstSent)
            throws InterruptedException, InterruptedIOException, RaftLogIOException {
        int retry = 0;
        AppendEntriesRequestProto request = newAppendEntriesRequest(CallId.getAndIncrement(), false);
        while (isRunning()) {
            try {
                if (request == null || request.getEntriesCount() == 0) {
                    request = newAppendEntriesRequest(CallId.getAndIncrement(), false);
                }
                if (request == null || !isRunning()) {
                    return null;
                }
                resetHeartbeatTrigger();
                Timestamp sent = Timestamp.currentTime();
                getFollower().updateLastRpcSendTime(request.getEntriesCount() == 0);
                AppendEntriesReplyProto reply = getServerRpc().appendEntries(request);
                firstSent[0] = request.getEntriesCount() > 0 ? request.getEntries(0).getIndex() : RaftLog.INVALID_LOG_INDEX;
                getFollower().updateLastRpcResponseTime();
                getFollower().updateLastRespondedAppendEntriesSendTime(sent);
                getLeaderState().onFollowerCommitIndex(getFollower(), reply.getFollowerCommit());
                return reply;
            } catch (InterruptedIOException | RaftLogIOException e) {
                throw e;
            } catch (IOException e) {
                if (retry++ % 10 == 0) {
                    LOG.warn("{}: failed to appendEntries (retry={})", this, retry, e);
                }
                getServerRpc().handleException(getFollowerId(), e, false);
            }
            if (isRunning()) {
                getServer().properties().rpcSleepTime().sleep();
            }
        }
        return null;
    }

    /** Ratis' {@code LogAppenderDefault.handleReply}, a success taken as its gRPC appender takes it. */
    private void onAppendReply(AppendEntriesReplyProto reply, long firstSent) {
        switch (reply.getResult()) {
            case SUCCESS -> {
                // as Ratis' gRPC appender takes it: by the follower's match index, never moving back
                // (a reply may say less than this appender already assumed after a snapshot notification)
                if (getFollower().updateMatchIndex(reply.getMatchIndex())) {
                    getFollower().increaseNextIndex(reply.getMatchIndex() + 1);
                    getLeaderState().onFollowerSuccessAppendEntries(getFollower());
                }
            }
            case NOT_LEADER -> onFollowerTerm(reply.getTerm());
            case INCONSISTENCY -> getFollower().setNextIndex(getNextIndexForInconsistency(firstSent, reply.getNextIndex()));
            default -> LOG.warn("{}: received {}", this, reply.getResult());
        }
        getLeaderState().onAppendEntriesReply(this, reply);
    }
}
