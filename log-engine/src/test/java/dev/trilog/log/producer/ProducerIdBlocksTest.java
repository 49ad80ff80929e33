package dev.trilog.log.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ProducerIdBlocksTest {

    /** The grants asked for, each completed by the test. */
    private final List<CompletableFuture<Long>> grants = new ArrayList<>();
    private final ProducerIdBlocks blocks = new ProducerIdBlocks(size -> {
        assertThat(size).isEqualTo(ProducerIdBlocks.BLOCK);
        CompletableFuture<Long> grant = new CompletableFuture<>();
        grants.add(grant);
        return grant;
    });

    @Test
    void idsWaitForTheFirstGrantThenRunThroughTheBlock() {
        CompletableFuture<Long> first = blocks.allocate();
        CompletableFuture<Long> second = blocks.allocate();
        assertThat(first).isNotDone();
        assertThat(grants).hasSize(1); // one grant for both

        grants.get(0).complete(7_000L);

        assertThat(List.of(first.join(), second.join())).containsExactlyInAnyOrder(7_000L, 7_001L);
        assertThat(blocks.allocate().join()).isEqualTo(7_002L);
    }

    @Test
    void theNextBlockIsAskedForBeforeTheCurrentOneRunsOutAndTakenAfterIt() {
        blocks.allocate();
        grants.get(0).complete(0L);
        for (int i = 1; i < ProducerIdBlocks.BLOCK * 9 / 10 - 1; i++) { // a tenth and one id left
            blocks.allocate().join();
        }
        assertThat(grants).hasSize(1);

        blocks.allocate().join(); // a tenth left
        assertThat(grants).hasSize(2);
        grants.get(1).complete(50_000L);

        List<Long> rest = new ArrayList<>();
        for (int i = 0; i < ProducerIdBlocks.BLOCK / 10 + 1; i++) {
            rest.add(blocks.allocate().join());
        }
        assertThat(rest).startsWith(ProducerIdBlocks.BLOCK * 9L / 10).endsWith(50_000L);
        assertThat(rest.get(rest.size() - 2)).isEqualTo(ProducerIdBlocks.BLOCK - 1L);
        assertThat(grants).hasSize(2);
    }

    @Test
    void aFailedGrantFailsItsWaitersAndTheNextCallAsksAgain() {
        CompletableFuture<Long> waiting = blocks.allocate();
        grants.get(0).completeExceptionally(new IllegalStateException("no leader"));

        assertThatThrownBy(waiting::join).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("no leader");
        CompletableFuture<Long> again = blocks.allocate();
        assertThat(grants).hasSize(2);
        grants.get(1).complete(3_000L);
        assertThat(again.join()).isEqualTo(3_000L);
    }
}
