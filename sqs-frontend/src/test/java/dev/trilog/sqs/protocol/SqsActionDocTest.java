package dev.trilog.sqs.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/sqs.md's action table must cover the action table the code dispatches on. */
class SqsActionDocTest {

    @Test
    void everyActionHasARowInTheDocs() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "sqs.md"));
        for (SqsAction action : SqsAction.values()) {
            assertThat(doc).as(action.apiName()).containsPattern("(?m)^\\| [^|]*\\b" + action.apiName() + "\\b[^|]*\\|");
        }
    }
}
