package dev.trilog.log.producer;

import dev.trilog.log.meta.InternalLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Hands out producer IDs for idempotent producers, never the same one twice, even across a
 * crash. IDs are reserved in blocks, as Kafka does: the end of the current block is written
 * (fsynced) to the metadata log before any ID of it is given out, so a restart resumes after
 * the last reserved block.
 */
public final class ProducerIdAllocator {

    private static final String KEY = "producer-ids/next-block";

    /** Whether {@code key} of the metadata log is this allocator's (each node's own blocks). */
    public static boolean ownsKey(String key) {
        return KEY.equals(key);
    }
    private static final long BLOCK = 1000;

    private final InternalLog log;
    private long next;
    private long blockEnd;

    public ProducerIdAllocator(InternalLog log) throws IOException {
        this.log = log;
        long[] reserved = {0};
        log.replay((key, value) -> {
            if (KEY.equals(key) && value != null) {
                reserved[0] = Long.parseLong(new String(value, StandardCharsets.UTF_8));
            }
        });
        next = reserved[0];
        blockEnd = reserved[0];
    }

    /** The end of the last block reserved here: every id {@link #allocate} handed out is below it. */
    public synchronized long reservedEnd() {
        return blockEnd;
    }

    public synchronized long allocate() throws IOException {
        if (next >= blockEnd) {
            long end = next + BLOCK;
            log.writeLocal(List.of(Map.entry(KEY, Long.toString(end).getBytes(StandardCharsets.UTF_8))));
            blockEnd = end;
        }
        return next++;
    }
}
