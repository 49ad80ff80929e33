package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.queue.UnknownQueueException;
import dev.trilog.sqs.message.ReceiptHandles;
import dev.trilog.sqs.protocol.ActionHandler;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The SQS action table's handlers: each {@link dev.trilog.sqs.protocol.SqsAction} to the class
 * that answers it. A queue that disappears under a request (deleted meanwhile) is answered as
 * SQS does, {@code QueueDoesNotExist}.
 */
public final class SqsActions implements ActionHandler {

    private final QueueActions queueActions;
    private final PermissionActions permissions;
    private final SendActions send;
    private final ReceiveAction receive;
    private final SettleActions settle;
    private final MessageMoveTasks moveTasks;
    private final SqsQueueDefinitions definitions;

    public SqsActions(QueueDirectory directory, ReceiptHandles handles) {
        this.queueActions = new QueueActions(directory);
        this.permissions = new PermissionActions(directory);
        this.send = new SendActions(directory);
        this.receive = new ReceiveAction(directory, handles);
        this.settle = new SettleActions(directory, handles);
        this.moveTasks = new MessageMoveTasks(directory);
        this.definitions = new SqsQueueDefinitions(directory, queueActions);
    }

    /** The start-up definitions' SQS queues, declared and exported through CreateQueue's path. */
    public SqsQueueDefinitions definitions() {
        return definitions;
    }

    @Override
    public CompletionStage<ObjectNode> handle(SqsRequest request) {
        try {
            return dispatch(request).exceptionally(SqsActions::unknownQueue);
        } catch (UnknownQueueException e) {
            return CompletableFuture.failedFuture(SqsException.nonExistentQueue());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<ObjectNode> dispatch(SqsRequest r) {
        return switch (r.action()) {
            case CREATE_QUEUE -> done(queueActions.createQueue(r));
            case GET_QUEUE_URL -> done(queueActions.getQueueUrl(r));
            case LIST_QUEUES -> done(queueActions.listQueues(r));
            case DELETE_QUEUE -> done(queueActions.deleteQueue(r));
            case PURGE_QUEUE -> queueActions.purgeQueue(r);
            case GET_QUEUE_ATTRIBUTES -> done(queueActions.getQueueAttributes(r));
            case SET_QUEUE_ATTRIBUTES -> done(queueActions.setQueueAttributes(r));
            case SEND_MESSAGE -> send.sendMessage(r);
            case SEND_MESSAGE_BATCH -> send.sendMessageBatch(r);
            case RECEIVE_MESSAGE -> receive.receiveMessage(r);
            case DELETE_MESSAGE -> settle.deleteMessage(r);
            case DELETE_MESSAGE_BATCH -> settle.deleteMessageBatch(r);
            case CHANGE_MESSAGE_VISIBILITY -> done(settle.changeMessageVisibility(r));
            case CHANGE_MESSAGE_VISIBILITY_BATCH -> done(settle.changeMessageVisibilityBatch(r));
            case TAG_QUEUE -> done(queueActions.tagQueue(r));
            case UNTAG_QUEUE -> done(queueActions.untagQueue(r));
            case LIST_QUEUE_TAGS -> done(queueActions.listQueueTags(r));
            case LIST_DEAD_LETTER_SOURCE_QUEUES -> done(queueActions.listDeadLetterSourceQueues(r));
            case START_MESSAGE_MOVE_TASK -> done(moveTasks.start(r));
            case LIST_MESSAGE_MOVE_TASKS -> done(moveTasks.list(r));
            case CANCEL_MESSAGE_MOVE_TASK -> done(moveTasks.cancel(r));
            case ADD_PERMISSION -> done(permissions.addPermission(r));
            case REMOVE_PERMISSION -> done(permissions.removePermission(r));
        };
    }

    private static CompletableFuture<ObjectNode> done(ObjectNode result) {
        return CompletableFuture.completedFuture(result);
    }

    private static ObjectNode unknownQueue(Throwable failure) {
        if (SqsException.unwrap(failure) instanceof UnknownQueueException) {
            throw SqsException.nonExistentQueue();
        }
        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
    }

    @Override
    public int endLongPolls() {
        return receive.endWaits();
    }

    /** Stops the message move tasks still running and answers any receive still open (empty). */
    public void close() {
        moveTasks.close();
        receive.endWaits();
    }
}
