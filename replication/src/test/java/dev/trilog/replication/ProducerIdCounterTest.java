package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProducerIdCounterTest {

    private static long grantedFirst(ProducerIdCounter counter, long floor, int size) {
        return LogCommand.decodeReply(counter.grant(new LogCommand.AllocateProducerIds(floor, size))).firstOffset();
    }

    @Test
    void grantsFollowEachOtherFromTheFirstIdAndNeverBelowTheAskersFloor() {
        ProducerIdCounter counter = new ProducerIdCounter();

        assertThat(grantedFirst(counter, 0, 1000)).isEqualTo(ProducerIdCounter.FIRST);
        assertThat(grantedFirst(counter, 0, 1000)).isEqualTo(ProducerIdCounter.FIRST + 1000);
        long high = ProducerIdCounter.FIRST * 3;
        assertThat(grantedFirst(counter, high, 1000)).isEqualTo(high);
        assertThat(grantedFirst(counter, 0, 1000)).as("a floor below the counter changes nothing").isEqualTo(high + 1000);
    }

    /** What a snapshot or the applied-index file holds after the applied index and the queues' epoch. */
    @Test
    void theCounterGoesOnFromTheStateItWasWrittenToAndStartsAtTheFirstIdInStateWithoutIt() {
        ProducerIdCounter counter = new ProducerIdCounter();
        grantedFirst(counter, 0, 1000);
        ByteBuffer state = ByteBuffer.allocate(Long.BYTES).putLong(counter.next()).flip();

        ProducerIdCounter installed = new ProducerIdCounter();
        installed.read(state);
        assertThat(installed.next()).isEqualTo(ProducerIdCounter.FIRST + 1000);
        assertThat(grantedFirst(installed, 0, 1000)).isEqualTo(grantedFirst(counter, 0, 1000));

        installed.read(ByteBuffer.allocate(0)); // an earlier build's state ends before it
        assertThat(installed.next()).isEqualTo(ProducerIdCounter.FIRST);
    }

    @Test
    void theCommandReadsBackAsWritten() {
        var command = new LogCommand.AllocateProducerIds(123_456_789L, 1000);
        assertThat(LogCommand.decode(LogCommand.encode(command))).isEqualTo(command);
    }
}
