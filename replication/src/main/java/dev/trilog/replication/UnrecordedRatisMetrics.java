package dev.trilog.replication;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.apache.ratis.util.TimeDuration;

/**
 * The metrics registry Ratis loads (through {@code META-INF/services}): timers and gauges that
 * record nothing. Trilog exposes none of Ratis' metrics, and Ratis' default registry
 * ({@code ratis-metrics-default}) times every request, log write and apply into Dropwizard
 * histograms — 3 to 5 % of each node's Java samples under a produce load, for numbers no one
 * read (bench/replication/RESULTS.md). Counters still count: they are cheap, and a counter that
 * answers 0 would mislead whoever reads one.
 */
public final class UnrecordedRatisMetrics extends MetricRegistries {

    private static final Timekeeper.Context NOT_TIMED = () -> 0L;
    private static final Timekeeper NO_TIMER = () -> NOT_TIMED;

    private final ConcurrentHashMap<MetricRegistryInfo, RatisMetricRegistry> registries = new ConcurrentHashMap<>();

    @Override
    public void clear() {
        registries.clear();
    }

    @Override
    public RatisMetricRegistry create(MetricRegistryInfo info) {
        return registries.computeIfAbsent(info, Registry::new);
    }

    @Override
    public boolean remove(MetricRegistryInfo key) {
        return registries.remove(key) != null;
    }

    @Override
    public Optional<RatisMetricRegistry> get(MetricRegistryInfo info) {
        return Optional.ofNullable(registries.get(info));
    }

    @Override
    public Set<MetricRegistryInfo> getMetricRegistryInfos() {
        return Set.copyOf(registries.keySet());
    }

    @Override
    public Collection<RatisMetricRegistry> getMetricRegistries() {
        return List.copyOf(registries.values());
    }

    @Override
    public void addReporterRegistration(Consumer<RatisMetricRegistry> reporterRegistration,
            Consumer<RatisMetricRegistry> stopReporter) {
        // nothing is reported
    }

    @Override
    public void enableJmxReporter() {
        // nothing is reported
    }

    @Override
    public void enableConsoleReporter(TimeDuration consoleReportRate) {
        // nothing is reported
    }

    /** One group's or server's metrics: counters that count, timers and gauges that do not record. */
    private static final class Registry implements RatisMetricRegistry {

        private final MetricRegistryInfo info;
        private final ConcurrentHashMap<String, LongCounter> counters = new ConcurrentHashMap<>();

        Registry(MetricRegistryInfo info) {
            this.info = info;
        }

        @Override
        public Timekeeper timer(String name) {
            return NO_TIMER;
        }

        @Override
        public LongCounter counter(String name) {
            return counters.computeIfAbsent(name, n -> new Counter());
        }

        @Override
        public boolean remove(String name) {
            return counters.remove(name) != null;
        }

        @Override
        public <T> void gauge(String name, Supplier<Supplier<T>> gaugeSupplier) {
            // not recorded: a gauge is only read by a reporter
        }

        @Override
        public MetricRegistryInfo getMetricRegistryInfo() {
            return info;
        }
    }

    private static final class Counter implements LongCounter {

        private final LongAdder count = new LongAdder();

        @Override
        public void inc(long n) {
            count.add(n);
        }

        @Override
        public void dec(long n) {
            count.add(-n);
        }

        @Override
        public long getCount() {
            return count.sum();
        }
    }
}
