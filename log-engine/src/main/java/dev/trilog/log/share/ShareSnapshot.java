package dev.trilog.log.share;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable state of a share cursor, as runs of offsets.
 *
 * <p>Format: big-endian version int16 (0), start offset int64 (everything below is done), run
 * count int32, then per run: first offset int64, length int32, kind int8 ({@link #COUNTS},
 * {@link #ACKNOWLEDGED}, {@link #ARCHIVED}), acquisitions int32, failed deliveries int32.
 * Offsets at or above the start that no run names are available with no deliveries. Locks are
 * not kept: a record acquired at a crash is available again after restart (at-least-once), with
 * its delivery count.
 */
final class ShareSnapshot {

    static final byte COUNTS = 0;
    static final byte ACKNOWLEDGED = 2;
    static final byte ARCHIVED = 3;

    /** A run of consecutive offsets in the same durable state. */
    record Run(long first, long last, byte kind, int acquisitions, int failed) {
    }

    final long startOffset;
    final List<Run> runs;

    ShareSnapshot(long startOffset, List<Run> runs) {
        this.startOffset = startOffset;
        this.runs = runs;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + runs.size() * 25);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(0);
            out.writeLong(startOffset);
            out.writeInt(runs.size());
            for (Run run : runs) {
                out.writeLong(run.first());
                out.writeInt(Math.toIntExact(run.last() - run.first() + 1));
                out.writeByte(run.kind());
                out.writeInt(run.acquisitions());
                out.writeInt(run.failed());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ShareSnapshot decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            short version = in.readShort();
            if (version != 0) {
                throw new IllegalStateException("unknown share-state version " + version);
            }
            long start = in.readLong();
            int count = in.readInt();
            List<Run> runs = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long first = in.readLong();
                int length = in.readInt();
                runs.add(new Run(first, first + length - 1, in.readByte(), in.readInt(), in.readInt()));
            }
            return new ShareSnapshot(start, runs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
