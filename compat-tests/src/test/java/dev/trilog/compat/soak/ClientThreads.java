package dev.trilog.compat.soak;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The two client threads of a load: a writer and a reader, each looping while its flag is up.
 * The end is the same for every protocol: stop writing, let the reader read on until it has
 * everything promised (or patience runs out), stop reading.
 */
final class ClientThreads implements AutoCloseable {

    private volatile boolean writing = true;
    private volatile boolean reading = true;
    private final Thread writer;
    private final Thread reader;

    ClientThreads(String name, Runnable write, Runnable read) {
        this.writer = new Thread(write, "soak-" + name + "-writer");
        this.reader = new Thread(read, "soak-" + name + "-reader");
    }

    void start() {
        writer.start();
        reader.start();
    }

    boolean writing() {
        return writing;
    }

    boolean reading() {
        return reading;
    }

    /** Stops the writer, waits until {@code seen} holds all of {@code promised}, stops the reader. */
    void drain(Collection<String> promised, Collection<String> seen, Duration patience) throws InterruptedException {
        writing = false;
        writer.join(TimeUnit.MINUTES.toMillis(5)); // a Kafka producer flushes what it still holds
        long deadline = System.nanoTime() + patience.toNanos();
        while (!seen.containsAll(promised) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        reading = false;
        reader.join(TimeUnit.MINUTES.toMillis(1));
    }

    @Override
    public void close() throws InterruptedException {
        writing = false;
        reading = false;
        writer.join(10_000);
        reader.join(10_000);
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
