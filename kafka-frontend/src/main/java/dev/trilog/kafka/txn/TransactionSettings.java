package dev.trilog.kafka.txn;

/**
 * How the transaction coordinator behaves, with Kafka's broker setting names and defaults.
 *
 * @param maxTimeoutMs    {@code transaction.max.timeout.ms}: the largest {@code transaction.timeout.ms}
 *                        a producer may ask for (a larger one gets INVALID_TRANSACTION_TIMEOUT)
 * @param abortCheckIntervalMs {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}:
 *                        how often transactions open longer than their timeout are looked for and aborted
 */
public record TransactionSettings(int maxTimeoutMs, int abortCheckIntervalMs) {

    public static final int DEFAULT_MAX_TIMEOUT_MS = 900_000;
    public static final int DEFAULT_ABORT_CHECK_INTERVAL_MS = 10_000;

    public static final TransactionSettings DEFAULTS =
            new TransactionSettings(DEFAULT_MAX_TIMEOUT_MS, DEFAULT_ABORT_CHECK_INTERVAL_MS);

    public TransactionSettings {
        if (maxTimeoutMs <= 0 || abortCheckIntervalMs <= 0) {
            throw new IllegalArgumentException("transaction.max.timeout.ms and the abort check interval must be positive");
        }
    }
}
