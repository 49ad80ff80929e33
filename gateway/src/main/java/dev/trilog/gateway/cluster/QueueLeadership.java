package dev.trilog.gateway.cluster;

import dev.trilog.log.Cluster;
import dev.trilog.routing.queue.Queues;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the queues with the cluster's leader (docs/replication.md). A queue's consumers, the
 * deliveries they hold and its locks live in one node's memory, so one node serves every queue:
 * the leader. A node stands by from its start; when it becomes leader it first commits its
 * takeover through the cluster ({@link Cluster#serveQueues}) — once that is applied here, so is
 * every write the old leader committed, and whatever queue state the old leader still writes is
 * refused — and then {@linkplain Queues#takeOver takes over}: reads the queues' state again from
 * the replicated stores and serves. A node that loses the lead stands by again (told as soon as it
 * steps down), and the {@link LeaderDoor}s close the connections relayed to it.
 */
public final class QueueLeadership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueLeadership.class);

    private static final long RETRY_MS = 200;
    /** The epoch at which this node last took the queues over; only on the changes thread. */
    private long servedEpoch = -1;

    private final Cluster cluster;
    private final Queues queues;
    private final List<LeaderDoor> doors = new CopyOnWriteArrayList<>();
    /** One change at a time, in order, and never on the thread that tells of them (the takeover writes). */
    private final ExecutorService changes = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "trilog-queue-leadership");
        thread.setDaemon(true);
        return thread;
    });

    private QueueLeadership(Cluster cluster, Queues queues) {
        this.cluster = cluster;
        this.queues = queues;
    }

    /** Stands {@code queues} by and has them follow the leader of {@code cluster} from now on. */
    public static QueueLeadership start(Cluster cluster, Queues queues) {
        QueueLeadership leadership = new QueueLeadership(cluster, queues);
        queues.standBy();
        cluster.addLeaderListener(leadership::leaderChanged);
        leadership.leaderChanged(); // a leader may have been elected before the listener was added
        return leadership;
    }

    /** Whether this node serves the queues now. */
    public boolean servingHere() {
        return queues.serving() && cluster.isLeader();
    }

    /** Adds a door whose relayed connections follow the leader. */
    public void add(LeaderDoor door) {
        doors.add(door);
    }

    private void leaderChanged() {
        doors.forEach(LeaderDoor::leaderChanged);
        try {
            changes.execute(this::follow);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void follow() {
        boolean leads = cluster.isLeader();
        // leading again in a later term without having heard of the step-down in between: another
        // node may have served meanwhile (this node's writes would be refused), so take over again
        if (leads && !(queues.serving() && servedEpoch == cluster.leaderEpoch())) {
            takeOver();
        } else if (!leads && queues.serving()) {
            queues.standBy();
            log.info("Node {} no longer serves the queues (node {} leads)", cluster.nodeId(),
                    cluster.leader().isPresent() ? cluster.leader().getAsInt() : "none yet");
        }
    }

    private void takeOver() {
        long epoch = cluster.leaderEpoch();
        while (true) {
            if (!cluster.isLeader() || cluster.leaderEpoch() != epoch) {
                return; // lost the lead meanwhile; the next change decides
            }
            try {
                cluster.serveQueues(epoch);
                break;
            } catch (IOException e) {
                log.debug("Node {} could not take the queues over at epoch {}; retrying", cluster.nodeId(), epoch, e);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                return; // closing
            }
        }
        long started = System.nanoTime();
        try {
            queues.takeOver();
        } catch (IOException | RuntimeException e) {
            log.error("Node {} leads but cannot serve the queues: {}", cluster.nodeId(), e.getMessage(), e);
            queues.standBy();
            return;
        }
        servedEpoch = epoch;
        log.info("Node {} serves the queues from now on (leader epoch {}; state read again in {} ms)",
                cluster.nodeId(), epoch, (System.nanoTime() - started) / 1_000_000);
        if (!cluster.isLeader()) {
            changes.execute(this::follow); // lost it while taking over
        }
    }

    @Override
    public void close() {
        changes.shutdownNow();
    }
}
