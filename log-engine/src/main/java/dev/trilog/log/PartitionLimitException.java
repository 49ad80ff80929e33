package dev.trilog.log;

/**
 * Creating a topic or growing one would take the engine past {@link EngineSettings#maxPartitions}:
 * refused whole, before anything is created. Each frontend answers with its protocol's
 * "over a limit" error (Kafka {@code POLICY_VIOLATION}, SQS {@code OverLimit}, AMQP 0-9-1 406,
 * AMQP 1.0 {@code amqp:resource-limit-exceeded}); the message names the setting.
 */
public final class PartitionLimitException extends IllegalStateException {

    public PartitionLimitException(int existing, int adding, int max) {
        super("creating " + adding + " more partition(s) would exceed the broker's limit of " + max
                + " (" + existing + " exist; raise " + EngineSettings.MAX_PARTITIONS
                + " — each partition holds an open file)");
    }
}
