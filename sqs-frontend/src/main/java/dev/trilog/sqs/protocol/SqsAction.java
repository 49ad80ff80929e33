package dev.trilog.sqs.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The SQS API's actions: the one table both wire protocols dispatch on ({@code X-Amz-Target:
 * AmazonSQS.<name>} and {@code Action=<name>}), with what the Query protocol needs to write the
 * answer as XML: whether the action has a result element, and the element each list member of
 * the result is repeated under.
 */
public enum SqsAction {
    CREATE_QUEUE("CreateQueue", true),
    GET_QUEUE_URL("GetQueueUrl", true),
    LIST_QUEUES("ListQueues", true),
    DELETE_QUEUE("DeleteQueue", false),
    PURGE_QUEUE("PurgeQueue", false),
    GET_QUEUE_ATTRIBUTES("GetQueueAttributes", true),
    SET_QUEUE_ATTRIBUTES("SetQueueAttributes", false),
    SEND_MESSAGE("SendMessage", true),
    SEND_MESSAGE_BATCH("SendMessageBatch", true),
    RECEIVE_MESSAGE("ReceiveMessage", true),
    DELETE_MESSAGE("DeleteMessage", false),
    DELETE_MESSAGE_BATCH("DeleteMessageBatch", true),
    CHANGE_MESSAGE_VISIBILITY("ChangeMessageVisibility", false),
    CHANGE_MESSAGE_VISIBILITY_BATCH("ChangeMessageVisibilityBatch", true),
    TAG_QUEUE("TagQueue", false),
    UNTAG_QUEUE("UntagQueue", false),
    LIST_QUEUE_TAGS("ListQueueTags", true),
    LIST_DEAD_LETTER_SOURCE_QUEUES("ListDeadLetterSourceQueues", true),
    START_MESSAGE_MOVE_TASK("StartMessageMoveTask", true),
    LIST_MESSAGE_MOVE_TASKS("ListMessageMoveTasks", true),
    CANCEL_MESSAGE_MOVE_TASK("CancelMessageMoveTask", true),
    ADD_PERMISSION("AddPermission", false),
    REMOVE_PERMISSION("RemovePermission", false);

    private static final Map<String, SqsAction> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(a -> a.apiName, Function.identity()));

    private final String apiName;
    private final boolean hasResult;

    SqsAction(String apiName, boolean hasResult) {
        this.apiName = apiName;
        this.hasResult = hasResult;
    }

    /** The name on the wire: {@code SendMessage}. */
    public String apiName() {
        return apiName;
    }

    /** Whether the Query answer has a {@code <XResult>} element (actions without output have none). */
    public boolean hasResult() {
        return hasResult;
    }

    /**
     * Whether the request carries message bodies and attribute values: text that is not
     * well-formed UTF-8 in it is {@code InvalidMessageContents}, as AWS answers characters a
     * message may not hold.
     */
    public boolean carriesMessages() {
        return this == SEND_MESSAGE || this == SEND_MESSAGE_BATCH;
    }

    public static Optional<SqsAction> forName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /**
     * The XML element a JSON list member of this action's result repeats under: {@code QueueUrls}
     * becomes {@code <QueueUrl>…</QueueUrl><QueueUrl>…</QueueUrl>}, a batch's {@code Successful}
     * {@code <SendMessageBatchResultEntry>}.
     */
    String xmlListElement(String member) {
        return switch (member) {
            case "QueueUrls", "queueUrls" -> "QueueUrl";
            case "Messages" -> "Message";
            case "Successful" -> apiName + "ResultEntry";
            case "Failed" -> "BatchResultErrorEntry";
            case "Results" -> apiName + "ResultEntry";
            default -> member;
        };
    }
}
