package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A partition's storage-failure state: one line when it enters, one when it leaves, and the count. */
class StorageFailuresTest {

    private static final TopicPartition TP = new TopicPartition("t", 3);

    private final RecordingLogger log = new RecordingLogger();
    private final StorageFailures failures = new StorageFailures(log);
    private final StorageFailures.Partition partition = failures.partition(TP);

    @Test
    void thousandsOfFailedWritesAreOneWarningAndTheNextWrittenAppendOneInfoLine() {
        partition.written();
        assertThat(failures.occurred()).isFalse();

        for (int i = 0; i < 7000; i++) {
            partition.writeFailed(new IOException("No space left on device"));
        }

        assertThat(failures.count()).isEqualTo(1);
        assertThat(failures.failing(TP)).isTrue();
        assertThat(log.lines()).singleElement().asString()
                .startsWith("WARN t-3: storage failed (a write failed: No space left on device)")
                .contains("KAFKA_STORAGE_ERROR");

        partition.written();
        partition.written();

        assertThat(failures.count()).isZero();
        assertThat(failures.failing(TP)).isFalse();
        assertThat(failures.occurred()).as("sticky: the shutdown is not marked clean").isTrue();
        assertThat(log.lines()).hasSize(2);
        assertThat(log.lines().get(1)).startsWith("INFO t-3: storage works again: an append was written after 7000"
                + " failed operations in ");
    }

    @Test
    void aFailedFsyncIsLeftByAnFsyncThatCompletesNotByAWrite() {
        partition.fsyncFailed(new IOException("Input/output error"));
        partition.written();
        assertThat(failures.count()).isEqualTo(1);

        partition.fsynced();

        assertThat(failures.count()).isZero();
        assertThat(log.lines()).hasSize(2);
        assertThat(log.lines().get(0)).startsWith("WARN t-3: storage failed (an fsync failed: Input/output error)");
        assertThat(log.lines().get(1)).startsWith("INFO t-3: storage works again: an fsync completed after 1 failed");
    }

    @Test
    void bothKindsFailedIsLeftOnlyWhenBothWorkAgain() {
        partition.writeFailed(new IOException("No space left on device"));
        partition.fsyncFailed(new IOException("Input/output error"));
        partition.fsynced();
        assertThat(failures.count()).isEqualTo(1);
        assertThat(log.lines()).hasSize(1);

        partition.written();

        assertThat(failures.count()).isZero();
        assertThat(log.lines()).hasSize(2);
    }

    @Test
    void countsEachFailingPartitionOnceAndForgetsADeletedOne() {
        StorageFailures.Partition other = failures.partition(new TopicPartition("u", 0));
        partition.writeFailed(new IOException("No space left on device"));
        partition.writeFailed(new IOException("No space left on device"));
        other.fsyncFailed(new IOException("Input/output error"));
        assertThat(failures.count()).isEqualTo(2);

        partition.forget();

        assertThat(failures.count()).isEqualTo(1);
        assertThat(failures.failing(TP)).isFalse();
    }
}
