package dev.trilog.compat.sqs;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * aws-sdk-java-v2's {@link SqsAsyncClient} interface over a {@link QuerySqsClient}: each call runs
 * on a thread of its own, as the v1 SDK's async client runs its sync calls on a pool. Only the
 * calls the suites make asynchronously are here; the others stay the interface's unsupported
 * defaults.
 */
final class QuerySqsAsyncClient implements SqsAsyncClient {

    private final QuerySqsClient sync;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "query-sqs-async");
        thread.setDaemon(true);
        return thread;
    });

    QuerySqsAsyncClient(QuerySqsClient sync) {
        this.sync = sync;
    }

    private <T> CompletableFuture<T> call(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, calls);
    }

    @Override
    public CompletableFuture<SendMessageResponse> sendMessage(SendMessageRequest request) {
        return call(() -> sync.sendMessage(request));
    }

    @Override
    public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(SendMessageBatchRequest request) {
        return call(() -> sync.sendMessageBatch(request));
    }

    @Override
    public CompletableFuture<ReceiveMessageResponse> receiveMessage(ReceiveMessageRequest request) {
        return call(() -> sync.receiveMessage(request));
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        calls.shutdownNow();
        sync.close();
    }
}
