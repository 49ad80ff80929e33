package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.ratis.util.PureJavaCrc32C;
import org.junit.jupiter.api.Test;

/**
 * The checksum Ratis' log writes and checks for every entry ({@link PureJavaCrc32C}) is the
 * replication module's, on the processor's CRC32 instructions, and is the very CRC-32C Ratis'
 * own class computed — so the Raft log segments of every earlier build still read.
 */
class RaftLogChecksumTest {

    @Test
    void ratisLogLoadsTheReplicationModulesChecksumNotRatisOwn() {
        String from = PureJavaCrc32C.class.getProtectionDomain().getCodeSource().getLocation().toString();

        assertThat(from).doesNotContain("ratis-common");
        assertThat(PureJavaCrc32C.class.getDeclaredFields()).extracting(f -> f.getType().getName())
                .containsExactly("java.util.zip.CRC32C");
    }

    @Test
    void itIsCrc32cAsRatisComputedIt() {
        PureJavaCrc32C crc = new PureJavaCrc32C();
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9);

        assertThat(crc.getValue()).isEqualTo(0xE3069283L); // CRC-32C's check value (RFC 3720)
    }

    @Test
    void everyWayOfFeedingItGivesTheBitwiseCrc32cOfTheBytes() {
        Random random = new Random(14);
        for (int length : new int[] {0, 1, 3, 7, 8, 9, 63, 1024, 34_567}) {
            byte[] bytes = new byte[length + 5];
            random.nextBytes(bytes);
            long expected = bitwiseCrc32c(bytes, 5, length);

            PureJavaCrc32C array = new PureJavaCrc32C();
            array.update(bytes, 5, length);
            assertThat(array.getValue()).as("array, %d bytes", length).isEqualTo(expected);

            PureJavaCrc32C oneByOne = new PureJavaCrc32C();
            for (int i = 5; i < bytes.length; i++) {
                oneByOne.update(bytes[i]);
            }
            assertThat(oneByOne.getValue()).as("byte by byte, %d bytes", length).isEqualTo(expected);

            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes);
            direct.position(5).limit(bytes.length);
            PureJavaCrc32C buffer = new PureJavaCrc32C();
            buffer.update(direct);
            assertThat(buffer.getValue()).as("direct buffer, %d bytes", length).isEqualTo(expected);
            // as Ratis' own: the buffer is read, not consumed (its log writer relies on neither)
            assertThat(direct.position()).isEqualTo(5);
            assertThat(direct.limit()).isEqualTo(bytes.length);

            buffer.reset();
            buffer.update(ByteBuffer.wrap(bytes, 5, length));
            assertThat(buffer.getValue()).as("heap buffer after reset, %d bytes", length).isEqualTo(expected);
        }
    }

    /** CRC-32C (reflected polynomial 0x82F63B78) one bit at a time: the definition, nothing borrowed. */
    private static long bitwiseCrc32c(byte[] bytes, int offset, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc ^= bytes[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
            }
        }
        return ~crc & 0xFFFFFFFFL;
    }
}
