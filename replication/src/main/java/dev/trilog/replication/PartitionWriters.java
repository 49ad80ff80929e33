package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.ratis.util.TimeDuration;

/**
 * The way to one partition group's writer, which exists only once this node knows the group's
 * leader, so that its clients ask that leader first rather than peers that may not have added
 * the group yet (they have not applied the topic's creation) and send them on
 * ({@link GroupElsewhereRpc}). Writes that come before — the first ones after a topic is
 * created, while its group elects a leader — wait here, in the order they came, and are sent in
 * that order once the leader is known; after {@link ReplicationTimeouts#leaderPatience()}
 * without one they are refused with {@link NotLeaderOrFollowerException}, as a forwarded batch no leader took.
 */
final class PartitionWriters {

    private final Supplier<Optional<GroupWriter>> build;
    private final ScheduledExecutorService timer;
    private final TimeDuration patience;
    /** Each waiting write, handed the writer once built (null: refused). */
    private final ArrayDeque<java.util.function.Consumer<GroupWriter>> waiting = new ArrayDeque<>();
    private volatile GroupWriter writer;
    private long waitingSince;
    private boolean polling;

    /**
     * {@code build} makes the writer once the leader is known, empty until then; {@code timer}
     * polls it, for {@code patience} at most.
     */
    PartitionWriters(Supplier<Optional<GroupWriter>> build, ScheduledExecutorService timer, TimeDuration patience) {
        this.build = build;
        this.timer = timer;
        this.patience = patience;
    }

    /** The writer, built now if the leader is known and it was not yet. */
    Optional<GroupWriter> now() {
        if (writer == null) {
            synchronized (waiting) {
                buildAndDrain();
            }
        }
        return Optional.ofNullable(writer);
    }

    /** Under the lock: builds the writer if the leader is known now, then sends what waited for it, in order. */
    private void buildAndDrain() {
        if (writer != null) {
            return;
        }
        GroupWriter built = build.get().orElse(null);
        if (built != null) {
            while (!waiting.isEmpty()) {
                waiting.poll().accept(built); // in order, under the lock: a write that comes meanwhile waits its turn
            }
            writer = built; // only now may a write go straight through, after every one that waited
        }
    }

    /** Sends through the writer now, or once it is built, keeping the order in which writes came. */
    CompletableFuture<AppendResult> send(Function<GroupWriter, CompletableFuture<AppendResult>> write) {
        GroupWriter ready = writer;
        if (ready != null) {
            return write.apply(ready);
        }
        CompletableFuture<AppendResult> result = new CompletableFuture<>();
        synchronized (waiting) {
            if (writer != null) {
                return write.apply(writer);
            }
            waiting.add(built -> {
                if (built == null) {
                    result.completeExceptionally(new NotLeaderOrFollowerException(
                            "no leader of the partition's group was known within " + patience));
                } else {
                    write.apply(built).whenComplete((r, failure) -> {
                        if (failure != null) {
                            result.completeExceptionally(failure);
                        } else {
                            result.complete(r);
                        }
                    });
                }
            });
            if (!polling) {
                polling = true;
                waitingSince = System.nanoTime();
                timer.schedule(this::poll, 0, TimeUnit.MILLISECONDS);
            }
        }
        return result;
    }

    private void poll() {
        synchronized (waiting) {
            buildAndDrain();
            boolean gaveUp = System.nanoTime() - waitingSince > patience.toLong(TimeUnit.NANOSECONDS);
            if (writer == null && !gaveUp) {
                timer.schedule(this::poll, 20, TimeUnit.MILLISECONDS);
                return;
            }
            polling = false;
            while (!waiting.isEmpty()) {
                waiting.poll().accept(null); // none built in time: each is refused
            }
        }
    }
}
