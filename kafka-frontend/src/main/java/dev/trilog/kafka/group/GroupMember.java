package dev.trilog.kafka.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group: who it is, the protocols it offered with their opaque metadata
 * (for consumers, the serialized subscription), the assignment the leader gave it (opaque bytes),
 * and its JoinGroup / SyncGroup answer if it is waiting for one. Guarded by its group's lock.
 */
final class GroupMember {

    static final byte[] EMPTY_ASSIGNMENT = new byte[0];

    /** A protocol the member supports, in its order of preference. */
    record Protocol(String name, byte[] metadata) {
    }

    private final String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = EMPTY_ASSIGNMENT;
    private CompletableFuture<JoinGroupResponseData> awaitingJoin;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    private boolean isNew;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
            int sessionTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    /** The same member under a new member id: a static member that restarted. */
    GroupMember withMemberId(String newMemberId) {
        GroupMember copy = new GroupMember(newMemberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs,
                sessionTimeoutMs, protocolType, protocols);
        copy.assignment = assignment;
        return copy;
    }

    static List<Protocol> protocolsOf(JoinGroupRequestProtocolCollection requested) {
        List<Protocol> result = new ArrayList<>(requested.size());
        for (JoinGroupRequestProtocol protocol : requested) {
            result.add(new Protocol(protocol.name(), protocol.metadata()));
        }
        return result;
    }

    String memberId() {
        return memberId;
    }

    /** The {@code group.instance.id} of a static member; null for a dynamic one. */
    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    String protocolType() {
        return protocolType;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    void update(List<Protocol> newProtocols, int newRebalanceTimeoutMs, int newSessionTimeoutMs) {
        this.protocols = List.copyOf(newProtocols);
        this.rebalanceTimeoutMs = newRebalanceTimeoutMs;
        this.sessionTimeoutMs = newSessionTimeoutMs;
    }

    /** The metadata the member sent for {@code protocolName}; empty if it does not support it. */
    byte[] metadata(String protocolName) {
        for (Protocol protocol : protocols) {
            if (protocol.name().equals(protocolName)) {
                return protocol.metadata();
            }
        }
        return new byte[0];
    }

    /** The member's most preferred protocol among {@code candidates}. */
    String vote(Set<String> candidates) {
        for (Protocol protocol : protocols) {
            if (candidates.contains(protocol.name())) {
                return protocol.name();
            }
        }
        throw new IllegalStateException("member " + memberId + " supports none of " + candidates);
    }

    /** True when the member offers exactly these protocols, in this order, with the same metadata. */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        Iterator<Protocol> mine = protocols.iterator();
        for (Protocol theirs : other) {
            Protocol own = mine.next();
            if (!own.name().equals(theirs.name()) || !Arrays.equals(own.metadata(), theirs.metadata())) {
                return false;
            }
        }
        return true;
    }

    byte[] assignment() {
        return assignment;
    }

    void assign(byte[] newAssignment) {
        this.assignment = newAssignment == null ? EMPTY_ASSIGNMENT : newAssignment;
    }

    CompletableFuture<JoinGroupResponseData> awaitingJoin() {
        return awaitingJoin;
    }

    void awaitJoin(CompletableFuture<JoinGroupResponseData> future) {
        this.awaitingJoin = future;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    CompletableFuture<SyncGroupResponseData> awaitingSync() {
        return awaitingSync;
    }

    void awaitSync(CompletableFuture<SyncGroupResponseData> future) {
        this.awaitingSync = future;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    /** Joined for the first time in the current rebalance, so it has no session to keep alive yet. */
    boolean isNew() {
        return isNew;
    }

    void setNew(boolean isNew) {
        this.isNew = isNew;
    }
}
