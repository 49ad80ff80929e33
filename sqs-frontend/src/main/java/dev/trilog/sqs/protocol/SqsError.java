package dev.trilog.sqs.protocol;

/**
 * Every error this frontend answers, with the two names SQS gives it: the JSON protocol's shape
 * name (the part of {@code __type} after {@code #}, which the SDKs match on) and the Query
 * protocol's code (also sent in JSON as {@code x-amzn-query-error}, which the SDKs of the
 * query-compatible era report as the error code). Where the SQS model has no shape for an error
 * the shape name is the query code, as AWS answers it.
 */
public enum SqsError {
    QUEUE_DOES_NOT_EXIST("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400),
    QUEUE_NAME_EXISTS("QueueNameExists", "QueueAlreadyExists", 400),
    QUEUE_DELETED_RECENTLY("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", 400),
    PURGE_QUEUE_IN_PROGRESS("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403),
    RECEIPT_HANDLE_IS_INVALID("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 400),
    MESSAGE_NOT_INFLIGHT("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", 400),
    BATCH_ENTRY_IDS_NOT_DISTINCT("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400),
    EMPTY_BATCH_REQUEST("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400),
    INVALID_BATCH_ENTRY_ID("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400),
    TOO_MANY_ENTRIES_IN_BATCH_REQUEST("TooManyEntriesInBatchRequest",
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400),
    BATCH_REQUEST_TOO_LONG("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400),
    UNSUPPORTED_OPERATION("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400),
    RESOURCE_NOT_FOUND("ResourceNotFoundException", "ResourceNotFoundException", 404),
    INVALID_ATTRIBUTE_NAME("InvalidAttributeName", "InvalidAttributeName", 400),
    INVALID_ATTRIBUTE_VALUE("InvalidAttributeValue", "InvalidAttributeValue", 400),
    INVALID_MESSAGE_CONTENTS("InvalidMessageContents", "InvalidMessageContents", 400),
    INVALID_PARAMETER_VALUE("InvalidParameterValue", "InvalidParameterValue", 400),
    MISSING_PARAMETER("MissingParameter", "MissingParameter", 400),
    OVER_LIMIT("OverLimit", "OverLimit", 403),
    INVALID_ID_FORMAT("InvalidIdFormat", "InvalidIdFormat", 400),
    INVALID_ACTION("InvalidAction", "InvalidAction", 400),
    MISSING_ACTION("MissingAction", "MissingAction", 400),
    MALFORMED_QUERY_STRING("MalformedQueryString", "MalformedQueryString", 400),
    SERIALIZATION_EXCEPTION("SerializationException", "SerializationException", 400),
    /** A request body over the server's limit; AWS answers 413 with no code, this is its HTTP reason phrase. */
    REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLarge", "RequestEntityTooLarge", 413),
    SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", "SignatureDoesNotMatch", 403),
    INVALID_CLIENT_TOKEN_ID("InvalidClientTokenId", "InvalidClientTokenId", 403),
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationToken", "MissingAuthenticationToken", 403),
    /**
     * A queue policy refuses the caller the action. SQS answers it as AWS's common error: the
     * shape in Coral's namespace, not SQS's, with the Query code {@code AccessDenied}.
     */
    ACCESS_DENIED("com.amazon.coral.service#", "AccessDeniedException", "AccessDenied", 403),
    INTERNAL_ERROR("InternalError", "InternalError", 500);

    private static final String JSON_NAMESPACE = "com.amazonaws.sqs#";

    private final String jsonNamespace;
    private final String shape;
    private final String queryCode;
    private final int httpStatus;

    SqsError(String shape, String queryCode, int httpStatus) {
        this(JSON_NAMESPACE, shape, queryCode, httpStatus);
    }

    SqsError(String jsonNamespace, String shape, String queryCode, int httpStatus) {
        this.jsonNamespace = jsonNamespace;
        this.shape = shape;
        this.queryCode = queryCode;
        this.httpStatus = httpStatus;
    }

    /** The JSON {@code __type}: {@code com.amazonaws.sqs#<shape>} (AccessDenied: Coral's namespace). */
    public String jsonType() {
        return jsonNamespace + shape;
    }

    public String shape() {
        return shape;
    }

    /** The Query code ({@code ErrorResponse/Error/Code}, {@code x-amzn-query-error}). */
    public String queryCode() {
        return queryCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** {@code Receiver} for the server's own failures, {@code Sender} for everything the request did wrong. */
    public String fault() {
        return httpStatus >= 500 ? "Receiver" : "Sender";
    }

    /**
     * A request that is not a well-formed, authenticated SQS call at all (bad JSON or form, no such
     * action, too large, a bad signature): worth a log line, unlike ordinary API errors.
     */
    public boolean malformedRequest() {
        return switch (this) {
            case SERIALIZATION_EXCEPTION, MALFORMED_QUERY_STRING, INVALID_ACTION, MISSING_ACTION,
                    REQUEST_ENTITY_TOO_LARGE, SIGNATURE_DOES_NOT_MATCH, INVALID_CLIENT_TOKEN_ID,
                    MISSING_AUTHENTICATION_TOKEN -> true;
            default -> false;
        };
    }

    /** The {@code x-amzn-query-error} header value: {@code <code>;<fault>}. */
    public String queryErrorHeader() {
        return queryCode + ";" + fault();
    }
}
