package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.routing.queue.SettleResult;
import dev.trilog.sqs.message.ReceiptHandles;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.sqs.queue.SqsQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteMessage, ChangeMessageVisibility and their batches: the receipt handle names the
 * delivery, the facade settles it.
 *
 * <p>Deleting is idempotent as in SQS: a handle whose message is already gone, or that was
 * received again since (stale), succeeds without effect. Changing the visibility of a message
 * that is not in flight is {@code MessageNotInflight}; with a stale or spent handle it is
 * SQS's {@code InvalidParameterValue} "Message does not exist or is not available for
 * visibility timeout change".
 */
final class SettleActions {

    private final QueueDirectory directory;
    private final ReceiptHandles handles;

    SettleActions(QueueDirectory directory, ReceiptHandles handles) {
        this.directory = directory;
        this.handles = handles;
    }

    CompletableFuture<ObjectNode> deleteMessage(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        DeliveryTag tag = tag(queue, request.params());
        return directory.queues().acknowledgeLatest(tag).thenApply(outcome -> JsonNodeFactory.instance.objectNode());
    }

    CompletableFuture<ObjectNode> deleteMessageBatch(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        List<SqsParams> entries = BatchEntries.entries(request.params(), "DeleteMessageBatchRequestEntry");
        BatchEntries batch = new BatchEntries();
        List<String> ids = new ArrayList<>();
        List<DeliveryTag> tags = new ArrayList<>();
        for (SqsParams entry : entries) {
            String id = entry.requireString("Id");
            try {
                tags.add(tag(queue, entry));
                ids.add(id);
            } catch (SqsException e) {
                batch.failed(id, e);
            }
        }
        // every outcome is a success for SQS (deleting is idempotent), so only durability is waited for
        return directory.queues().acknowledgeAllLatest(tags).thenApply(outcomes -> {
            ids.forEach(batch::succeeded);
            return batch.result();
        });
    }

    ObjectNode changeMessageVisibility(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        changeVisibility(queue, request.params());
        return JsonNodeFactory.instance.objectNode();
    }

    ObjectNode changeMessageVisibilityBatch(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        List<SqsParams> entries = BatchEntries.entries(request.params(), "ChangeMessageVisibilityBatchRequestEntry");
        BatchEntries batch = new BatchEntries();
        for (SqsParams entry : entries) {
            String id = entry.requireString("Id");
            try {
                changeVisibility(queue, entry);
                batch.succeeded(id);
            } catch (SqsException e) {
                batch.failed(id, e);
            }
        }
        return batch.result();
    }

    private void changeVisibility(SqsQueue queue, SqsParams params) {
        DeliveryTag tag = tag(queue, params);
        int seconds = params.integer("VisibilityTimeout", 0, 43_200)
                .orElseThrow(() -> SqsException.missingParameter("VisibilityTimeout"));
        SettleResult outcome = directory.queues().extendLock(tag, seconds * 1000L);
        switch (outcome) {
            case OK -> {
            }
            case NOT_ACQUIRED -> throw new SqsException(SqsError.MESSAGE_NOT_INFLIGHT, "Message not inflight.");
            default -> throw SqsException.invalidValue("ReceiptHandle", params.requireString("ReceiptHandle"),
                    "Message does not exist or is not available for visibility timeout change.");
        }
    }

    private DeliveryTag tag(SqsQueue queue, SqsParams params) {
        String text = params.requireString("ReceiptHandle");
        DeliveryTag tag = handles.decode(text);
        if (!tag.queue().equals(queue.name())) {
            throw new SqsException(SqsError.RECEIPT_HANDLE_IS_INVALID,
                    "The input receipt handle \"" + text + "\" is not a valid receipt handle.");
        }
        return tag;
    }
}
