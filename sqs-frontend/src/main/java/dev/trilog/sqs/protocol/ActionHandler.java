package dev.trilog.sqs.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionStage;

/**
 * Answers decoded requests: the result in the JSON response shape, or a stage that fails with an
 * {@link SqsException}. Called on a worker thread; answers may complete later on any thread.
 */
@FunctionalInterface
public interface ActionHandler {

    CompletionStage<ObjectNode> handle(SqsRequest request);

    /**
     * The server is shutting down: answers every long poll still waiting with no messages, as SQS
     * does when it closes a connection on its side, and lets no receive wait from now on.
     *
     * @return how many long polls were answered
     */
    default int endLongPolls() {
        return 0;
    }
}
