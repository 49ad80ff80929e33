package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A stopping node gives up the writes it waits on the group for, and every later one; the others complete as usual. */
class GroupWaitsTest {

    @Test
    void abandoningFailsTheWaitingWritesAndEveryLaterOneWithTheReason() {
        GroupWaits waits = new GroupWaits();
        CompletableFuture<String> waiting = waits.track(new CompletableFuture<>());

        waits.abandon("node 1 is stopping");

        assertThatThrownBy(waiting::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(IOException.class).hasMessageContaining("node 1 is stopping");
        CompletableFuture<String> later = waits.track(new CompletableFuture<>());
        assertThat(later).isCompletedExceptionally();
    }

    @Test
    void aWriteThatCompletedBeforeKeepsItsResult() {
        GroupWaits waits = new GroupWaits();
        CompletableFuture<String> committed = waits.track(new CompletableFuture<>());
        committed.complete("applied");

        waits.abandon("stopping");

        assertThat(committed.join()).isEqualTo("applied");
    }
}
