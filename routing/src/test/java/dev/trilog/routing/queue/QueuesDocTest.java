package dev.trilog.routing.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter headers and reasons the code writes are the ones docs/message-mapping.md lists;
 * every settlement has its row in docs/queues.md.
 */
class QueuesDocTest {

    @Test
    void everyDeadLetterHeaderAndReasonIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "message-mapping.md"));
        for (String header : new String[] {DeadLetterHeaders.REASON, DeadLetterHeaders.QUEUE, DeadLetterHeaders.COUNT,
                DeadLetterHeaders.TIME, DeadLetterHeaders.DEATHS}) {
            assertThat(doc).as(header).contains("| `" + header + "` |");
        }
        for (DeadLetterHeaders.Reason reason : DeadLetterHeaders.Reason.values()) {
            assertThat(doc).as(reason.name()).contains("`" + reason.text() + "`");
        }
    }

    @Test
    void everySettlementHasItsRowInTheQueuesDoc() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "queues.md"));
        for (Settlement settlement : Settlement.values()) {
            assertThat(doc).as(settlement.name()).contains("| `" + settlement.name() + "` |");
        }
    }
}
