package dev.trilog.kafka.txn;

/**
 * The states of a transactional id at its coordinator, with the names Kafka reports in
 * DescribeTransactions and ListTransactions (and accepts as ListTransactions state filters).
 * The code is what the transaction log stores.
 */
enum TxnState {
    /** No transaction open: after InitProducerId, or after a transaction completed. */
    EMPTY("Empty", 0),
    /** Partitions or a group were added; records may be on their way. */
    ONGOING("Ongoing", 1),
    /** Commit decided and durable; markers being written. */
    PREPARE_COMMIT("PrepareCommit", 2),
    /** Abort decided and durable; markers being written. */
    PREPARE_ABORT("PrepareAbort", 3),
    COMPLETE_COMMIT("CompleteCommit", 4),
    COMPLETE_ABORT("CompleteAbort", 5);

    private final String kafkaName;
    private final int code;

    TxnState(String kafkaName, int code) {
        this.kafkaName = kafkaName;
        this.code = code;
    }

    String kafkaName() {
        return kafkaName;
    }

    int code() {
        return code;
    }

    static TxnState ofCode(int code) {
        for (TxnState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown transaction state code " + code);
    }

    static TxnState ofKafkaName(String name) {
        for (TxnState state : values()) {
            if (state.kafkaName.equals(name)) {
                return state;
            }
        }
        return null;
    }

    boolean preparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** A new transaction may begin: none is open or being completed. */
    boolean idle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }
}
