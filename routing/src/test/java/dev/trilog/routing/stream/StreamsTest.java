package dev.trilog.routing.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.queue.PublishOptions;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A queue's topic read as a stream: each offset spec, credit, appends waking it, no ack state. */
class StreamsTest {

    @TempDir
    Path dir;
    LogEngine engine;
    Topology topology;
    Queues queues;
    Streams streams;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dir));
        topology = Topology.open(engine);
        queues = Queues.open(engine, topology, QueuesSettings.defaults());
        streams = new Streams(engine);
        topology.declareQueue(QueueSpec.durable("events"));
    }

    @AfterEach
    void close() throws Exception {
        streams.close();
        queues.close();
        engine.close();
    }

    void publish(String... bodies) throws Exception {
        for (String b : bodies) {
            queues.publish("events", Message.builder().body(b).timestamp(System.currentTimeMillis()).build(),
                    PublishOptions.NONE).get(10, TimeUnit.SECONDS);
        }
    }

    static final class Recording implements StreamSink {
        final LinkedBlockingQueue<StreamDelivery> got = new LinkedBlockingQueue<>();
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(StreamSubscription subscription, List<StreamDelivery> deliveries) {
            for (StreamDelivery d : deliveries) {
                got.add(d);
                events.add(new String(d.message().bodyBytes(), StandardCharsets.UTF_8) + "@" + d.offset());
            }
        }

        @Override
        public void ended(StreamSubscription subscription) {
            events.add("ended");
        }

        List<String> take(int n) throws InterruptedException {
            List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                StreamDelivery d = got.poll(10, TimeUnit.SECONDS);
                assertThat(d).as("delivery %d of %d", i + 1, n).isNotNull();
                out.add(new String(d.message().bodyBytes(), StandardCharsets.UTF_8));
            }
            return out;
        }

        void nothingMore() throws InterruptedException {
            assertThat(got.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void eachOffsetSpecStartsWhereRabbitMqsDoes() throws Exception {
        publish("a", "b", "c");
        Thread.sleep(5); // so "between" is after c's millisecond, not in it
        long between = System.currentTimeMillis();
        Thread.sleep(5);
        publish("d");

        Recording first = new Recording();
        streams.subscribe("events", OffsetSpec.FIRST, 10, first);
        assertThat(first.take(4)).containsExactly("a", "b", "c", "d");

        Recording last = new Recording();
        streams.subscribe("events", OffsetSpec.LAST, 10, last);
        assertThat(last.take(1)).containsExactly("d");

        Recording next = new Recording();
        streams.subscribe("events", OffsetSpec.NEXT, 10, next);
        next.nothingMore();

        Recording at = new Recording();
        streams.subscribe("events", OffsetSpec.offset(1), 10, at);
        assertThat(at.take(3)).containsExactly("b", "c", "d");

        Recording since = new Recording();
        streams.subscribe("events", OffsetSpec.timestamp(between), 10, since);
        assertThat(since.take(1)).containsExactly("d");

        publish("e"); // an append wakes every reader at the end, and nobody took anything from anyone
        for (Recording r : List.of(first, last, next, at, since)) {
            assertThat(r.take(1)).containsExactly("e");
        }
    }

    @Test
    void creditLimitsWhatIsPushedAndAddCreditResumes() throws Exception {
        publish("m0", "m1", "m2", "m3", "m4");
        Recording r = new Recording();
        StreamSubscription s = streams.subscribe("events", OffsetSpec.FIRST, 2, r);
        assertThat(r.take(2)).containsExactly("m0", "m1");
        r.nothingMore();
        s.addCredit(2);
        assertThat(r.take(2)).containsExactly("m2", "m3");
        s.cancel();
        s.addCredit(5);
        r.nothingMore();
    }

    @Test
    void offsetsAreCarriedAndAnOffsetPastTheEndWaitsForIt() throws Exception {
        publish("x0", "x1");
        Recording r = new Recording();
        streams.subscribe("events", OffsetSpec.offset(100), 10, r);
        r.nothingMore();
        publish("x2");
        StreamDelivery d = r.got.poll(10, TimeUnit.SECONDS);
        assertThat(d).isNotNull();
        assertThat(d.offset()).isEqualTo(2);
        assertThat(d.partition()).isZero();
    }

    @Test
    void aDeletedTopicEndsItsSubscriptions() throws Exception {
        Recording r = new Recording();
        streams.subscribe("events", OffsetSpec.NEXT, 10, r);
        topology.deleteQueue("events");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!r.events.contains("ended") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(r.events).containsExactly("ended");
        assertThatThrownBy(() -> streams.subscribe("events", OffsetSpec.FIRST, 1, r))
                .isInstanceOf(UnknownTopicException.class);
    }
}
