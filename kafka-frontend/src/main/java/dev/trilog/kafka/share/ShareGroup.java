package dev.trilog.kafka.share;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * One share group's membership (KIP-932). The group epoch goes up whenever a member joins, leaves
 * or changes its subscription; a member's epoch is the group epoch it last got its assignment at.
 * Guarded by the {@link ShareGroups} that owns it.
 */
final class ShareGroup {

    /** One member, as its heartbeats describe it. */
    static final class Member {
        final String id;
        final String clientId;
        final String clientHost;
        String rackId;
        List<String> subscribedTopics;
        int epoch;
        long lastHeardMs;
        /** The assignment last sent, topic ID → partitions, to send again only when it changes; null before the first. */
        Map<Uuid, List<Integer>> assignment;

        Member(String id, String clientId, String clientHost) {
            this.id = id;
            this.clientId = clientId;
            this.clientHost = clientHost;
        }
    }

    final String id;
    final Map<String, Member> members = new LinkedHashMap<>();
    int epoch;

    ShareGroup(String id) {
        this.id = id;
    }

    /** Kafka's share-group states: Empty without members, else Stable (every member has every partition). */
    String state() {
        return members.isEmpty() ? "Empty" : "Stable";
    }
}
