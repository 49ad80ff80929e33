package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A write through a node that waits for its own apply of an entry the leader committed asks for a
 * read index (whose heartbeat tells this node of the commit) when it has not applied it yet; one
 * ask at a time, again while a write still waits beyond what the last one covered, and not again
 * after a failure.
 */
class CommitNudgeTest {

    /** This node's applied progress, and the read indexes asked, answered by the test. */
    private final AppliedProgress progress = new AppliedProgress();
    private final List<CompletableFuture<Object>> asked = new ArrayList<>();
    private final CommitNudge nudge = new CommitNudge(() -> {
        CompletableFuture<Object> ask = new CompletableFuture<>();
        asked.add(ask);
        return ask;
    }, progress::through);

    @Test
    void anEntryAppliedHereAlreadyAsksForNothing() {
        progress.applied(5);

        assertThat(nudge.appliedThrough(5)).isDone();
        assertThat(asked).isEmpty();
    }

    @Test
    void anEntryNotAppliedHereYetAsksOnceAndCompletesWithTheApply() {
        CompletableFuture<Void> applied = nudge.appliedThrough(3);
        CompletableFuture<Void> alongside = nudge.appliedThrough(2);

        assertThat(asked).as("one read index for both").hasSize(1);
        progress.applied(3); // what the read index's heartbeat lets this node apply, before the answer
        asked.get(0).complete(3L);
        assertThat(applied).isDone();
        assertThat(alongside).isDone();
        assertThat(asked).as("no write waits any more").hasSize(1);
    }

    @Test
    void aWriteBeyondWhatTheAskCoveredAsksAgain() {
        CompletableFuture<Void> first = nudge.appliedThrough(3);
        CompletableFuture<Void> later = nudge.appliedThrough(4); // answered by the leader after the ask left

        progress.applied(3);
        asked.get(0).complete(3L);
        assertThat(first).isDone();
        assertThat(later).isNotDone();
        assertThat(asked).as("asked again for the later write").hasSize(2);

        progress.applied(4);
        asked.get(1).complete(4L);
        assertThat(later).isDone();
        assertThat(asked).hasSize(2);
    }

    @Test
    void aFailedAskIsNotRepeatedAndTheNextWriteAsksAfresh() {
        CompletableFuture<Void> applied = nudge.appliedThrough(3);
        asked.get(0).completeExceptionally(new IllegalStateException("no leader"));

        assertThat(asked).as("the write waits for the leader's next heartbeat instead").hasSize(1);
        assertThat(applied).isNotDone();
        nudge.appliedThrough(4);
        assertThat(asked).hasSize(2);
        progress.applied(4);
        assertThat(applied).isDone();
    }
}
