package dev.trilog.kafka.protocol;

import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLimitException;
import dev.trilog.log.TopicInUseException;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.log.record.InvalidBatchException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/** The one place engine failures become Kafka error codes. */
public final class ErrorMapping {

    private ErrorMapping() {
    }

    public static Errors toError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof InvalidBatchException invalid) {
            return switch (invalid.error()) {
                case CORRUPT -> Errors.CORRUPT_MESSAGE;
                case UNSUPPORTED_MAGIC -> Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT;
                case TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
                case INVALID_RECORD -> Errors.INVALID_RECORD;
                case INVALID_TIMESTAMP -> Errors.INVALID_TIMESTAMP;
                case OUT_OF_ORDER_SEQUENCE -> Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
                case INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            };
        }
        if (cause instanceof UnknownTopicException) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (cause instanceof OffsetOutOfRangeException) {
            return Errors.OFFSET_OUT_OF_RANGE;
        }
        if (cause instanceof PartitionLimitException) {
            return Errors.POLICY_VIOLATION; // the broker's log.max.partitions: the message names it
        }
        if (cause instanceof TopicInUseException) {
            return Errors.POLICY_VIOLATION; // as a broker's topic policy refuses: the message says why
        }
        if (cause instanceof IOException) {
            return Errors.KAFKA_STORAGE_ERROR;
        }
        if (cause instanceof ApiException) {
            return Errors.forException(cause);
        }
        return Errors.UNKNOWN_SERVER_ERROR;
    }

    /**
     * The records of a refused batch that broke a per-record rule (Kafka's {@code recordErrors}:
     * the producer fails just those records' sends with the message); empty otherwise.
     */
    public static List<Integer> recordIndexes(Throwable failure) {
        return unwrap(failure) instanceof InvalidBatchException invalid ? invalid.recordIndexes() : List.of();
    }

    /** The failure itself, with the future's wrapper taken off. */
    public static Throwable cause(Throwable failure) {
        return unwrap(failure);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** A message for the response's error-message field, when the code alone says too little. */
    public static String message(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause.getMessage();
    }
}
