package dev.trilog.log.record;

import java.util.List;

/** A batch the log refuses to append; nothing of the request was written. */
public final class InvalidBatchException extends RuntimeException {
    private final BatchError error;
    private final List<Integer> recordIndexes;

    public InvalidBatchException(BatchError error, String message) {
        this(error, message, List.of());
    }

    /**
     * @param recordIndexes the positions, within the batch, of the records that broke a rule,
     *     when the rule is per record (Kafka reports them to the producer as record errors)
     */
    public InvalidBatchException(BatchError error, String message, List<Integer> recordIndexes) {
        super(message, null, false, false);
        this.error = error;
        this.recordIndexes = List.copyOf(recordIndexes);
    }

    public BatchError error() {
        return error;
    }

    /** The offending records' positions in the batch; empty when the whole batch is at fault. */
    public List<Integer> recordIndexes() {
        return recordIndexes;
    }
}
