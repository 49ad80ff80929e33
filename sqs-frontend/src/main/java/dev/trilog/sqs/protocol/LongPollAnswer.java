package dev.trilog.sqs.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * The answer to a ReceiveMessage that waited for messages: {@link SqsHttpHandler} writes it on the
 * thread that completes it (the queue facade's thread that handed the poll its messages, or that
 * ended its wait) instead of handing it to the connection's I/O thread first. The action puts the
 * answer together on that thread too, so from an append to a waiting poller's answer on the wire
 * no other thread is woken. Any other answer is written on the I/O thread. What is derived from one
 * ({@code exceptionally}, {@code thenApply}) is one too, completed on the same thread.
 */
public final class LongPollAnswer extends CompletableFuture<ObjectNode> {

    @Override
    @SuppressWarnings("unchecked")
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return (CompletableFuture<U>) new LongPollAnswer();
    }
}
