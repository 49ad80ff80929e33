package dev.trilog.sqs.protocol;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Message and request ids: random (version 4) UUIDs, as SQS's are, drawn from the thread's own
 * generator. They name a message or a request and guard nothing, so {@link UUID#randomUUID}'s
 * SecureRandom — a lock shared by every thread and a read of the kernel's pool — bought nothing;
 * it was ~1 % of the broker's samples in the send and receive phases (bench/sqs/RESULTS.md, sqs24).
 */
public final class RandomIds {

    private RandomIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L; // version 4
        long low = random.nextLong() & ~(0xCL << 60) | (0x8L << 60); // IETF variant
        return new UUID(high, low).toString();
    }
}
