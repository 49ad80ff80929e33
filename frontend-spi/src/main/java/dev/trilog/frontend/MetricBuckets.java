package dev.trilog.frontend;

import java.time.Duration;

/**
 * The histogram buckets every {@code /metrics} latency series uses, so requests of any protocol
 * read on one scale. Thirteen fixed buckets rather than Micrometer's percentile histogram (about
 * seventy per series): a scrape stays small and cheap while the broker is busy, and
 * {@code histogram_quantile} is still good to a bucket's width.
 */
public final class MetricBuckets {

    /** 1 ms to 10 s, roughly ×2.5 apart. */
    public static final Duration[] LATENCY = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private MetricBuckets() {
    }
}
