package dev.trilog.sqs.protocol;

import java.util.Objects;
import java.util.concurrent.CompletionException;

/** An SQS error answer: which error and the message the client sees. Thrown by validation and actions. */
public final class SqsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SqsError error;

    public SqsException(SqsError error, String message) {
        super(message, null, false, false);
        this.error = Objects.requireNonNull(error, "error");
    }

    public SqsError error() {
        return error;
    }

    public static SqsException missingParameter(String name) {
        return new SqsException(SqsError.MISSING_PARAMETER, "The request must contain the parameter " + name + ".");
    }

    public static SqsException invalidValue(String name, Object value, String reason) {
        return new SqsException(SqsError.INVALID_PARAMETER_VALUE,
                "Value " + value + " for parameter " + name + " is invalid. Reason: " + reason);
    }

    /** What failed a stage: the cause a {@link CompletionException} wraps, else the failure itself. */
    public static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    public static SqsException nonExistentQueue() {
        return new SqsException(SqsError.QUEUE_DOES_NOT_EXIST, "The specified queue does not exist.");
    }
}
