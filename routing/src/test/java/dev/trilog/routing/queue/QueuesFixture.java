package dev.trilog.routing.queue;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.topology.Topology;
import dev.trilog.testsupport.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** An engine, its topology and its queues over a temp directory, reopened as a restart. */
final class QueuesFixture implements AutoCloseable {

    final Path dataDir;
    final TestClock clock = TestClock.wallPlusShift();
    final QueuesSettings settings;
    LogEngine engine;
    Topology topology;
    Queues queues;

    QueuesFixture(Path dataDir) throws IOException {
        this(dataDir, QueuesSettings.defaults().withLongPollTickMs(20));
    }

    QueuesFixture(Path dataDir, QueuesSettings settings) throws IOException {
        this.dataDir = dataDir;
        this.settings = settings;
        open();
    }

    private void open() throws IOException {
        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        topology = Topology.open(engine);
        queues = Queues.open(engine, topology, settings);
    }

    /** Closes everything and opens it again from disk. */
    void restart() throws IOException {
        close();
        open();
    }

    QueueSpec declare(String name, Map<String, HeaderValue> arguments) throws Exception {
        QueueSpec spec = QueueSpec.durable(name).withArguments(arguments);
        topology.declareQueue(spec);
        return spec;
    }

    static Message text(String body) {
        return Message.builder().body(body).build();
    }

    static String body(QueueDelivery delivery) {
        return new String(delivery.message().bodyBytes(), StandardCharsets.UTF_8);
    }

    /** Waits (up to 10 s, else fails naming {@code what}) until {@code condition} holds. */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            org.assertj.core.api.Assertions.assertThat(System.nanoTime()).as("waiting for " + what)
                    .isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    @Override
    public void close() throws IOException {
        queues.close();
        engine.close();
    }
}
