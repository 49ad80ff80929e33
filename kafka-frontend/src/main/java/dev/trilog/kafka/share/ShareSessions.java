package dev.trilog.kafka.share;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * The share sessions of every member (KIP-932's share-session epochs): epoch 0 opens a session
 * (a member's earlier one ends), each later request carries the next epoch, −1 closes it. A
 * session that ends gives back everything its member holds, delivery counts kept.
 */
final class ShareSessions {

    /** The session a request continues, or the error it gets. */
    record Lookup(ShareSession session, Errors error) {
    }

    private record Key(String group, String member) {
    }

    private final Map<Key, ShareSession> sessions = new HashMap<>();
    /** The source of (topic ID, group), or null when the topic is gone. */
    private final BiFunction<Uuid, String, ShareSource> sources;

    ShareSessions(BiFunction<Uuid, String, ShareSource> sources) {
        this.sources = sources;
    }

    /**
     * The session a ShareFetch ({@code opens} true) or ShareAcknowledge with {@code epoch} is for:
     * epoch 0 opens one (fetch only), −1 names the one to close after this request, any other must
     * be the session's next epoch.
     */
    Lookup lookup(String group, String member, int epoch, boolean opens) {
        ShareSession ended = null;
        Lookup lookup;
        synchronized (this) {
            Key key = new Key(group, member);
            ShareSession session = sessions.get(key);
            if (epoch == 0) {
                if (!opens) {
                    return new Lookup(null, Errors.INVALID_SHARE_SESSION_EPOCH);
                }
                ended = session;
                session = new ShareSession(group, member);
                sessions.put(key, session);
                lookup = new Lookup(session, Errors.NONE);
            } else if (session == null) {
                lookup = new Lookup(null, Errors.SHARE_SESSION_NOT_FOUND);
            } else if (epoch == -1) {
                lookup = new Lookup(session, Errors.NONE);
            } else if (epoch != session.nextEpoch) {
                lookup = new Lookup(null, Errors.INVALID_SHARE_SESSION_EPOCH);
            } else {
                session.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
                lookup = new Lookup(session, Errors.NONE);
            }
        }
        if (ended != null) {
            releaseAll(ended);
        }
        return lookup;
    }

    /** Closes the session (epoch −1): what it still holds goes back. */
    void close(ShareSession session) {
        synchronized (this) {
            sessions.remove(new Key(session.group, session.member), session);
        }
        releaseAll(session);
    }

    /** The member left its group or was expired: its session ends. */
    void memberLeft(String group, String member) {
        ShareSession session;
        synchronized (this) {
            session = sessions.remove(new Key(group, member));
        }
        if (session != null) {
            releaseAll(session);
        }
    }

    private void releaseAll(ShareSession session) {
        Set<Uuid> topics = new HashSet<>();
        for (SharePartition partition : session.touched()) {
            topics.add(partition.topicId());
        }
        for (Uuid topic : topics) {
            ShareSource source = sources.apply(topic, session.group);
            if (source != null) {
                source.releaseAll(session.member);
            }
        }
    }
}
