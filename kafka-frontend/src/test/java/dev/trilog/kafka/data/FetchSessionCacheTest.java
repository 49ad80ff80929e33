package dev.trilog.kafka.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.data.FetchSession.FetchTarget;
import dev.trilog.kafka.data.FetchSession.PartitionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.requests.FetchMetadata;
import org.junit.jupiter.api.Test;

/** Kafka's rules for which fetch session gives way when the cache is full. */
class FetchSessionCacheTest {

    private static final long EVICTION_MS = FetchSessionCache.EVICTION_MS;

    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void aFullCacheOfYoungSessionsMakesNoNewOne() {
        FetchSessionCache cache = cache(2);
        int first = consumer(cache, 5);
        int second = consumer(cache, 5);

        assertThat(first).isPositive().isNotEqualTo(second);
        assertThat(consumer(cache, 50)).as("no room, and nobody old enough to evict")
                .isEqualTo(FetchMetadata.INVALID_SESSION_ID);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.totalPartitions()).isEqualTo(10);
        assertThat(cache.evictions()).isZero();
    }

    @Test
    void theSessionUnusedLongestGivesWayOnceUnusedForLongerThanTheEvictionTime() {
        FetchSessionCache cache = cache(2);
        int idle = consumer(cache, 50);
        int busy = consumer(cache, 50);
        now.addAndGet(EVICTION_MS - 1_000);
        cache.touch(cache.get(busy));
        now.addAndGet(2_000); // idle: unused for longer than the eviction time; busy: used a second ago

        int fresh = consumer(cache, 1);

        assertThat(fresh).isPositive();
        assertThat(cache.get(idle)).as("stale, however large").isNull();
        assertThat(cache.get(busy)).isNotNull();
        assertThat(cache.evictions()).isEqualTo(1);
    }

    @Test
    void anOldSessionInUseGivesWayOnlyToOneWithAtLeastAsManyPartitions() {
        FetchSessionCache cache = cache(2);
        int small = consumer(cache, 5);
        int large = consumer(cache, 10);
        now.addAndGet(EVICTION_MS + 1_000);
        cache.touch(cache.get(small)); // both in use, both older than the eviction time
        cache.touch(cache.get(large));

        assertThat(consumer(cache, 4)).as("smaller than both").isEqualTo(FetchMetadata.INVALID_SESSION_ID);
        int seven = consumer(cache, 7);

        assertThat(seven).isPositive();
        assertThat(cache.get(small)).as("the least valuable").isNull();
        assertThat(cache.get(large)).isNotNull();
    }

    @Test
    void aFollowersSessionEvictsAYoungConsumersButNoConsumerEvictsAYoungFollowers() {
        FetchSessionCache cache = cache(1);
        int consumer = consumer(cache, 100);

        int follower = create(cache, true, 1);

        assertThat(follower).isPositive();
        assertThat(cache.get(consumer)).isNull();
        assertThat(consumer(cache, 1000)).isEqualTo(FetchMetadata.INVALID_SESSION_ID);
        assertThat(create(cache, true, 1)).as("nor a follower a young follower's").isEqualTo(FetchMetadata.INVALID_SESSION_ID);
    }

    @Test
    void noSlotsMeansNoSessions() {
        assertThat(consumer(cache(0), 1)).isEqualTo(FetchMetadata.INVALID_SESSION_ID);
        assertThat(create(cache(0), true, 1)).isEqualTo(FetchMetadata.INVALID_SESSION_ID);
    }

    @Test
    void removingASessionFreesItsSlotAndItsPartitions() {
        FetchSessionCache cache = cache(1);
        int id = consumer(cache, 3);

        cache.remove(id);

        assertThat(cache.size()).isZero();
        assertThat(cache.totalPartitions()).isZero();
        assertThat(consumer(cache, 3)).isPositive();
    }

    private FetchSessionCache cache(int slots) {
        return new FetchSessionCache(slots, EVICTION_MS, now::get);
    }

    private static int consumer(FetchSessionCache cache, int partitions) {
        return create(cache, false, partitions);
    }

    private static int create(FetchSessionCache cache, boolean privileged, int partitions) {
        List<FetchTarget> targets = new ArrayList<>();
        Uuid topic = Uuid.randomUuid();
        for (int p = 0; p < partitions; p++) {
            targets.add(new FetchTarget(PartitionKey.of(true, null, topic, p), 0, 1 << 20));
        }
        return cache.maybeCreate(privileged, partitions, (id, createdMs) -> new FetchSession(id, privileged, true,
                createdMs, 1, targets, new FetchResponseData()));
    }
}
