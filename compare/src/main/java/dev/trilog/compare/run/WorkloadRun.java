package dev.trilog.compare.run;

import dev.trilog.compare.broker.Broker;
import dev.trilog.compare.broker.ProcessStats;
import dev.trilog.compare.driver.Driver;
import dev.trilog.compare.measure.LatencyRecorder;
import dev.trilog.compare.measure.LatencySummary;
import dev.trilog.compare.measure.Payload;
import dev.trilog.compare.measure.SequenceTracker;
import dev.trilog.compare.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One workload through one driver. The engine owns the threads (a thread per producer and per
 * consumer), the rate schedule, the timestamps in each message and every measurement; the driver
 * only moves bytes with its protocol's client.
 *
 * <p>Steady workloads: consumers attach, producers start, warm-up, then the measured window, then
 * producers stop and the readers get a short drain to read what is left (not measured, but what is
 * still unread then is reported). Backlog workloads: producers send the backlog at full speed with
 * no reader (the produce phase), then the readers start and drain it (the drain phase).
 */
public final class WorkloadRun {

    private static final Duration POLL = Duration.ofMillis(200);
    /** The load generator itself: every client runs in this JVM. */
    private static final ProcessStats SELF = new ProcessStats(ProcessHandle.current().pid());

    private final Driver driver;
    private final Workload workload;
    private final Broker broker;
    private final Progress progress;
    private final StopSignal stop;
    private final String id;
    private final Duration drainLimit;

    private final Payload payload;
    private final LatencyRecorder endToEnd = new LatencyRecorder();
    private final LatencyRecorder endToEndFromSend = new LatencyRecorder();
    private final LatencyRecorder publishLatency = new LatencyRecorder();
    private final LongAdder handedOver = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder publishErrors = new LongAdder();
    private final LongAdder consumeErrors = new LongAdder();
    private final LongAdder receiveCalls = new LongAdder();
    private final LongAdder emptyReceives = new LongAdder();
    private final LongAdder receivedInWindow = new LongAdder();
    /** True while a measured phase is open: polls are counted then. */
    private volatile boolean measuring;
    private final Map<Integer, BitSet> ackedSequences = new ConcurrentHashMap<>();
    private final List<SequenceTracker> trackers = new ArrayList<>();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    private volatile boolean producing;
    private volatile boolean consuming;

    /**
     * @param id         unique prefix for the run's topic, queues and groups
     * @param drainLimit how long readers may take to catch up after a steady run
     */
    public WorkloadRun(Driver driver, Workload workload, Broker broker, Progress progress, StopSignal stop, String id,
                       Duration drainLimit) {
        this.driver = driver;
        this.workload = workload;
        this.broker = broker;
        this.progress = progress;
        this.stop = stop;
        this.id = id;
        this.drainLimit = drainLimit;
        this.payload = new Payload(workload.messageSize());
        for (int r = 0; r < workload.readers(); r++) {
            trackers.add(new SequenceTracker());
        }
    }

    public RunResult run() {
        Driver.Topology topology = null;
        List<Thread> producers = new ArrayList<>();
        List<Thread> consumers = new ArrayList<>();
        List<RunResult.Phase> phases = new ArrayList<>();
        String status = "ok";
        try {
            progress.phase(() -> label("preparing"));
            topology = driver.prepare(workload, id);
            if (workload.isBacklogDrain()) {
                runBacklog(topology, producers, consumers, phases);
            } else {
                runSteady(topology, producers, consumers, phases);
            }
            if (stop.stopped()) {
                status = "interrupted";
            }
        } catch (Exception | Error e) {
            firstError.compareAndSet(null, e);
            status = stop.stopped() ? "interrupted" : "failed";
        } finally {
            producing = false;
            consuming = false;
            joinAll(producers);
            joinAll(consumers);
            progress.end();
            if (topology != null) {
                driver.cleanup(topology);
            }
        }
        return result(status, phases);
    }

    private void runSteady(Driver.Topology topology, List<Thread> producers, List<Thread> consumers,
                           List<RunResult.Phase> phases) throws Exception {
        consuming = true;
        CountDownLatch ready = startConsumers(topology, consumers, true);
        progress.phase(() -> label("consumers joining"));
        if (!ready.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("consumers did not attach within 60 s");
        }
        checkErrors();
        producing = true;
        startProducers(topology, producers, 0);
        long warmupMillis = workload.warmup().toMillis();
        long warmStart = System.nanoTime();
        progress.phase(() -> label("warm-up") + clock(warmStart, warmupMillis) + rates());
        stop.sleep(warmupMillis);
        checkErrors();

        Window window = Window.open(this);
        long durationMillis = workload.duration().toMillis();
        progress.phase(() -> label("measuring") + clock(window.startNanos, durationMillis) + rates() + latencyNow());
        stop.sleep(durationMillis);
        phases.add(window.close("steady"));

        producing = false;
        joinAll(producers);
        long drainStart = System.nanoTime();
        progress.phase(() -> label("draining") + clock(drainStart, drainLimit.toMillis()) + rates());
        long deadline = System.nanoTime() + drainLimit.toNanos();
        while (!stop.stopped() && System.nanoTime() < deadline && unread() > 0) {
            Thread.sleep(20);
        }
        consuming = false;
    }

    private void runBacklog(Driver.Topology topology, List<Thread> producers, List<Thread> consumers,
                            List<RunResult.Phase> phases) throws Exception {
        producing = true;
        openLatencies(); // publish latency in the produce phase, end-to-end (age at delivery) in the drain
        Window produce = Window.countersOnly(this);
        startProducers(topology, producers, workload.backlog());
        progress.phase(() -> label("producing backlog") + String.format(Locale.ROOT, " %,d/%,d", acked.sum(), workload.backlog())
                + rates());
        joinAll(producers);
        phases.add(produce.close("produce"));
        checkErrors();
        if (stop.stopped()) {
            return;
        }
        consuming = true;
        Window drain = Window.countersOnly(this);
        startConsumers(topology, consumers, false);
        long target = acked.sum() * workload.readers();
        progress.phase(() -> label("draining backlog") + String.format(Locale.ROOT, " %,d/%,d", delivered.sum(), target)
                + rates());
        long lastProgress = System.nanoTime();
        long lastCount = -1;
        while (!stop.stopped() && unread() > 0) {
            long now = System.nanoTime();
            long count = delivered.sum();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = now;
            } else if (now - lastProgress > TimeUnit.SECONDS.toNanos(30)) {
                break; // nothing arrived for 30 s: report what is unread
            }
            Thread.sleep(10);
        }
        phases.add(drain.close("drain"));
        closeLatencies();
        consuming = false;
    }

    /** Messages acknowledged to producers that some reader has not seen yet. */
    private long unread() {
        long missing = 0;
        for (SequenceTracker tracker : trackers) {
            missing += tracker.missing(ackedSequences);
        }
        return missing;
    }

    private void checkErrors() {
        Throwable error = firstError.get();
        if (error != null && acked.sum() == 0 && delivered.sum() == 0) {
            throw new IllegalStateException("the run failed before any message moved: " + error, error);
        }
    }

    // ---------------------------------------------------------------- producers

    private void startProducers(Driver.Topology topology, List<Thread> threads, long backlog) {
        int count = workload.producers();
        for (int p = 0; p < count; p++) {
            int index = p;
            long quota = backlog == 0 ? Long.MAX_VALUE : backlog / count + (p < backlog % count ? 1 : 0);
            ackedSequences.put(index, new BitSet());
            Thread thread = new Thread(() -> produce(topology, index, quota), "compare-producer-" + p);
            threads.add(thread);
            thread.start();
        }
    }

    private void produce(Driver.Topology topology, int index, long quota) {
        try (Driver.Publisher publisher = driver.publisher(topology, index)) {
            int maxBatch = Math.max(1, publisher.maxBatch());
            double perProducerRate = workload.fixedRate() ? workload.rate() / workload.producers() : 0;
            long interval = perProducerRate > 0 ? (long) (1_000_000_000L / perProducerRate) : 0;
            long start = System.nanoTime();
            long sequence = 0;
            BitSet ackedHere = ackedSequences.get(index);
            boolean bounded = interval == 0 && quota == Long.MAX_VALUE;
            long unreadCap = unreadCap();
            while (producing && !stop.stopped() && sequence < quota) {
                // handed to the client, not yet read: a client's own send buffer counts too (Kafka's
                // producer holds up to 32 MB before it blocks, a quarter of a second at max rate)
                if (bounded && handedOver.sum() * workload.readers() - delivered.sum() > unreadCap) {
                    // max rate means as fast as the readers keep up: wait for them (OMB's max-rate mode does the same)
                    LockSupport.parkNanos(100_000);
                    continue;
                }
                long now = System.nanoTime();
                int n;
                long firstIntended;
                if (interval > 0) {
                    long intended = start + sequence * interval;
                    if (intended > now) {
                        LockSupport.parkNanos(intended - now);
                        continue;
                    }
                    // every message whose time has come, up to a batch
                    n = (int) Math.min(maxBatch, Math.min(quota - sequence, (now - intended) / interval + 1));
                    firstIntended = intended;
                } else {
                    n = (int) Math.min(maxBatch, quota - sequence);
                    firstIntended = now;
                }
                long sent = System.nanoTime();
                List<byte[]> bodies = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long intended = interval > 0 ? firstIntended + i * interval : sent;
                    bodies.add(payload.create(intended, sent, index, sequence + i));
                }
                long base = sequence;
                sequence += n;
                handedOver.add(n);
                try {
                    publisher.publish(bodies, (i, error) -> {
                        if (error == null) {
                            publishLatency.recordNanos(System.nanoTime() - sent);
                            acked.increment();
                            synchronized (ackedHere) {
                                ackedHere.set((int) (base + i));
                            }
                        } else {
                            publishErrors.increment();
                            firstError.compareAndSet(null, error);
                        }
                    });
                } catch (Exception e) {
                    publishErrors.add(n);
                    firstError.compareAndSet(null, e);
                    pause();
                }
            }
            publisher.flush(Duration.ofSeconds(30));
        } catch (Exception e) {
            firstError.compareAndSet(null, e);
        }
    }

    /**
     * At max rate, how far the producers may run ahead of the readers, in deliveries of messages
     * handed to a client but not yet read: 2 MiB of messages (2,048 of 1 KiB, 32 of 64 KiB; at least 32), per
     * reader. Without a bound, "max throughput" would measure how fast a backlog grows, and its
     * latency how long the run lasted. The bound is fixed, not derived from the readers' rate: a
     * bound that follows the rate feeds back on itself and settles low when the clients are slow
     * to start (measured: a tenth of the throughput).
     */
    private long unreadCap() {
        return Math.max(32, MAX_UNREAD_BYTES / payload.size()) * workload.readers();
    }

    static final long MAX_UNREAD_BYTES = Long.getLong("compare.maxUnreadBytes", 2L << 20);

    // ---------------------------------------------------------------- consumers

    private CountDownLatch startConsumers(Driver.Topology topology, List<Thread> threads, boolean awaitReady) {
        CountDownLatch ready = new CountDownLatch(workload.readers() * workload.consumers());
        for (int r = 0; r < workload.readers(); r++) {
            for (int c = 0; c < workload.consumers(); c++) {
                int reader = r;
                int index = c;
                Thread thread = new Thread(() -> consume(topology, reader, index, ready, awaitReady),
                        "compare-consumer-" + r + "-" + c);
                threads.add(thread);
                thread.start();
            }
        }
        return ready;
    }

    private void consume(Driver.Topology topology, int reader, int index, CountDownLatch ready, boolean awaitReady) {
        SequenceTracker tracker = trackers.get(reader);
        Driver.Sink sink = new Driver.Sink() {
            @Override
            public void delivered(byte[] body) {
                record(Payload.read(body), body.length);
            }

            @Override
            public void delivered(String body) {
                record(Payload.read(body), body.length());
            }

            private void record(Payload.Header header, int length) {
                long now = System.nanoTime();
                if (header == null) {
                    consumeErrors.increment();
                    firstError.compareAndSet(null, new IllegalStateException("a message without compare's header arrived"));
                    return;
                }
                tracker.see(header.producer(), header.sequence());
                delivered.increment();
                endToEnd.recordNanos(now - header.intendedNanos());
                endToEndFromSend.recordNanos(now - header.sentNanos());
            }

            @Override
            public void error(Throwable error) {
                consumeErrors.increment();
                firstError.compareAndSet(null, error);
            }
        };
        Driver.Subscriber subscriber = null;
        try {
            subscriber = driver.subscriber(topology, reader, index);
            if (awaitReady) {
                // with more consumers than partitions some never get one; they stop waiting after a few seconds
                boolean idleLikely = workload.consumers() > workload.partitions();
                subscriber.awaitReady(idleLikely ? Duration.ofSeconds(3) : Duration.ofSeconds(30));
            }
            ready.countDown();
            while (consuming && !stop.stopped()) {
                try {
                    int n = subscriber.poll(POLL, sink);
                    if (measuring) {
                        receiveCalls.increment();
                        if (n == 0) {
                            emptyReceives.increment();
                        } else {
                            receivedInWindow.add(n);
                        }
                    }
                } catch (Exception e) {
                    if (!consuming || stop.stopped()) {
                        break;
                    }
                    consumeErrors.increment();
                    firstError.compareAndSet(null, e);
                    pause();
                }
            }
        } catch (Exception e) {
            firstError.compareAndSet(null, e);
            ready.countDown();
        } finally {
            if (subscriber != null) {
                subscriber.close();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinAll(List<Thread> threads) {
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- measuring

    /** Counters and broker samples at the start of a measured phase. */
    private static final class Window {
        private final WorkloadRun run;
        private final long startNanos;
        private final long startEpochMillis = System.currentTimeMillis();
        private final long ackedAtStart;
        private final long deliveredAtStart;
        private final ProcessStats.Sample before;
        private final ProcessStats.Sample clientBefore;

        private final boolean latencies;

        private Window(WorkloadRun run, boolean latencies) {
            this.run = run;
            this.latencies = latencies;
            if (latencies) {
                run.openLatencies();
            }
            this.ackedAtStart = run.acked.sum();
            this.deliveredAtStart = run.delivered.sum();
            this.before = run.broker.process().map(ProcessStats::sample).orElse(null);
            this.clientBefore = SELF.sample();
            this.startNanos = System.nanoTime();
            run.measuring = true;
        }

        /** A window that also opens (and on close, closes) the latency histograms. */
        static Window open(WorkloadRun run) {
            return new Window(run, true);
        }

        /** A window over counters and broker samples only. */
        static Window countersOnly(WorkloadRun run) {
            return new Window(run, false);
        }

        RunResult.Phase close(String name) {
            long end = System.nanoTime();
            run.measuring = false;
            ProcessStats.Sample after = run.broker.process().map(ProcessStats::sample).orElse(null);
            ProcessStats.Sample clientAfter = SELF.sample();
            if (latencies) {
                run.closeLatencies();
            }
            double cpu = before == null || after == null ? -1 : after.cpuSecondsSince(before);
            long disk = before == null || after == null ? -1 : after.writeBytesSince(before);
            return new RunResult.Phase(name, (end - startNanos) / 1e9, run.acked.sum() - ackedAtStart,
                    run.delivered.sum() - deliveredAtStart, cpu, disk, clientAfter.cpuSecondsSince(clientBefore),
                    startEpochMillis, System.currentTimeMillis());
        }
    }

    private void openLatencies() {
        endToEnd.open();
        endToEndFromSend.open();
        publishLatency.open();
    }

    private void closeLatencies() {
        endToEnd.close();
        endToEndFromSend.close();
        publishLatency.close();
    }

    private RunResult result(String status, List<RunResult.Phase> phases) {
        Throwable error = firstError.get();
        String errorText = error == null ? null : error.getClass().getSimpleName() + ": " + error.getMessage();
        long in;
        long out;
        double inSeconds;
        double outSeconds;
        if (workload.isBacklogDrain()) {
            RunResult.Phase produce = phases.isEmpty() ? null : phases.get(0);
            RunResult.Phase drain = phases.size() > 1 ? phases.get(1) : null;
            in = produce == null ? 0 : produce.messagesIn();
            inSeconds = produce == null ? 0 : produce.seconds();
            out = drain == null ? 0 : drain.messagesOut();
            outSeconds = drain == null ? 0 : drain.seconds();
        } else {
            RunResult.Phase steady = phases.isEmpty() ? null : phases.get(0);
            in = steady == null ? 0 : steady.messagesIn();
            out = steady == null ? 0 : steady.messagesOut();
            inSeconds = steady == null ? 0 : steady.seconds();
            outSeconds = inSeconds;
        }
        double cpu = phases.isEmpty() ? -1 : phases.stream().mapToDouble(RunResult.Phase::brokerCpuSeconds).min().orElse(-1) < 0
                ? -1 : phases.stream().mapToDouble(RunResult.Phase::brokerCpuSeconds).sum();
        long disk = phases.isEmpty() || phases.stream().anyMatch(p -> p.diskBytesWritten() < 0)
                ? -1 : phases.stream().mapToLong(RunResult.Phase::diskBytesWritten).sum();
        long duplicates = trackers.stream().mapToLong(SequenceTracker::duplicates).sum();
        double clientCpu = phases.isEmpty() || phases.stream().anyMatch(p -> p.clientCpuSeconds() < 0)
                ? -1 : phases.stream().mapToDouble(RunResult.Phase::clientCpuSeconds).sum();
        int size = payload.size();
        long nonEmpty = receiveCalls.sum() - emptyReceives.sum();
        return new RunResult(workload.name(), driver.protocol(), driver.client(), status, errorText, workload.rate(),
                round(inSeconds), in, out, rate(in, inSeconds), rate(out, outSeconds),
                rate(in * (double) size / 1e6, inSeconds), rate(out * (double) size / 1e6, outSeconds),
                LatencySummary.of(endToEnd.snapshot()), LatencySummary.of(endToEndFromSend.snapshot()),
                LatencySummary.of(publishLatency.snapshot()), round(cpu),
                round(ProcessStats.cpuSecondsPerMillion(cpu, in)), disk,
                disk < 0 || in == 0 ? -1 : round(disk / (double) in), publishErrors.sum(), consumeErrors.sum(),
                duplicates, unread(), round(clientCpu), round(ProcessStats.cpuSecondsPerMillion(clientCpu, in)),
                receiveCalls.sum(), emptyReceives.sum(), nonEmpty == 0 ? 0 : round(receivedInWindow.sum() / (double) nonEmpty),
                phases);
    }

    private static double rate(double count, double seconds) {
        return seconds <= 0 ? 0 : round(count / seconds);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    // ---------------------------------------------------------------- progress

    private String label(String phase) {
        return String.format(Locale.ROOT, "  %-6s %-20s %-18s", driver.protocol(), workload.name(), phase);
    }

    private static String clock(long startNanos, long totalMillis) {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        return String.format(Locale.ROOT, " %5.1f/%.0fs", Math.min(elapsed, totalMillis / 1000.0), totalMillis / 1000.0);
    }

    private long lastTickNanos = System.nanoTime();
    private long lastAcked;
    private long lastDelivered;
    private String lastRates = "";

    /** Rates over the time since the last progress tick. */
    private synchronized String rates() {
        long now = System.nanoTime();
        double seconds = (now - lastTickNanos) / 1e9;
        if (seconds >= 0.25) {
            long a = acked.sum();
            long d = delivered.sum();
            lastRates = String.format(Locale.ROOT, "  in %,9.0f msg/s  out %,9.0f msg/s  errors %d",
                    (a - lastAcked) / seconds, (d - lastDelivered) / seconds, publishErrors.sum() + consumeErrors.sum());
            lastAcked = a;
            lastDelivered = d;
            lastTickNanos = now;
        }
        return lastRates;
    }

    private String latencyNow() {
        LatencySummary e2e = LatencySummary.of(endToEnd.snapshot());
        return e2e.count() == 0 ? "" : String.format(Locale.ROOT, "  e2e p99 %.1f ms", e2e.p99());
    }
}
