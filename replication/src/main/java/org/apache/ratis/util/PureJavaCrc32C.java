package org.apache.ratis.util;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Trilog's stand-in for Ratis 3.2's class of this name: the same checksum (CRC-32C, the
 * Castagnoli polynomial, so every Raft log segment written before or after reads the same), by
 * the JDK's {@link CRC32C}, which the JIT turns into the processor's CRC32 instructions, instead
 * of Ratis' table lookups a byte at a time.
 *
 * <p>Why: Ratis' log writes a CRC-32C of every entry it appends, on every replica — every byte of
 * every message, three times across a three-node cluster — and its log reader checks it. Ratis
 * hard-codes this class for both (SegmentedRaftLogOutputStream, SegmentedRaftLogReader) and has no
 * setting for it (its master is the same). In a three-node cluster on Netty it was the top frame
 * of every node's Java samples, 10–18 % of them under the producer load (bench/replication/RESULTS.md,
 * 2026-12-07 rf3cpu). This class comes first on the class path (the replication module's own
 * classes before its dependencies) and the runnable jar leaves Ratis' copy out (gateway/pom.xml).
 * {@code RaftLogChecksumTest} checks both the values and that this class is the one loaded.
 *
 * <p>Its API is Ratis' (3.2.0): {@link #update(ByteBuffer)} reads from the buffer's position to its
 * limit without moving either, as Ratis' did (the log's writer computes over a duplicate; the JDK's
 * own update would move the position to the limit).
 */
public class PureJavaCrc32C implements Checksum {

    private final CRC32C crc = new CRC32C();

    public PureJavaCrc32C() {
    }

    @Override
    public long getValue() {
        return crc.getValue();
    }

    @Override
    public void reset() {
        crc.reset();
    }

    @Override
    public void update(byte[] b, int off, int len) {
        crc.update(b, off, len);
    }

    @Override
    public void update(ByteBuffer b) {
        crc.update(b.duplicate());
    }

    @Override
    public final void update(int b) {
        crc.update(b);
    }
}
