package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.queue.UnknownQueueException;
import dev.trilog.sqs.message.ReceiptHandles;
import dev.trilog.sqs.policy.QueueAccess;
import dev.trilog.sqs.protocol.ActionHandler;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.sqs.queue.QueueAttributeRules;
import dev.trilog.sqs.queue.SqsQueue;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The SQS action table's handlers: each {@link dev.trilog.sqs.protocol.SqsAction} to the class
 * that answers it, once the queue it names lets the caller ({@link QueueAccess}). A queue that
 * disappears under a request (deleted meanwhile) is answered as SQS does, {@code QueueDoesNotExist}.
 */
public final class SqsActions implements ActionHandler {

    private final QueueActions queueActions;
    private final PermissionActions permissions;
    private final SendActions send;
    private final ReceiveAction receive;
    private final SettleActions settle;
    private final MessageMoveTasks moveTasks;
    private final SqsQueueDefinitions definitions;
    private final QueueDirectory directory;
    private final QueueAccess access;

    public SqsActions(QueueDirectory directory, ReceiptHandles handles, QueueAccess access) {
        this.directory = directory;
        this.access = access;
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
            checkAccess(request);
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

    /** Refuses the request before anything runs when the queue it names has a policy that says no. */
    private void checkAccess(SqsRequest request) {
        targetQueue(request).ifPresent(queue -> access.check(request.caller(), request.action(),
                directory.urls().arn(queue.name()), queue.attribute(QueueAttributeRules.POLICY),
                directory.urls().url(request.host(), queue.name())));
    }

    /**
     * The existing queue a request acts on: by {@code QueueUrl}, by {@code QueueName} (GetQueueUrl,
     * CreateQueue of one that exists), by {@code SourceArn} (message move tasks). ListQueues and
     * CancelMessageMoveTask (by task handle) name none. A name that finds no queue is left to the
     * action, which answers QueueDoesNotExist.
     */
    private Optional<SqsQueue> targetQueue(SqsRequest request) {
        SqsParams params = request.params();
        Optional<String> name = switch (request.action()) {
            case LIST_QUEUES, CANCEL_MESSAGE_MOVE_TASK -> Optional.empty();
            case CREATE_QUEUE, GET_QUEUE_URL -> params.string("QueueName");
            case START_MESSAGE_MOVE_TASK, LIST_MESSAGE_MOVE_TASKS ->
                    params.string("SourceArn").map(arn -> directory.urls().queueNameOfArn(arn));
            default -> params.string("QueueUrl").map(this::queueNameOrNull);
        };
        return name.flatMap(directory::get);
    }

    private String queueNameOrNull(String url) {
        try {
            return directory.urls().queueName(url);
        } catch (SqsException notAQueueUrl) {
            return null;
        }
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
