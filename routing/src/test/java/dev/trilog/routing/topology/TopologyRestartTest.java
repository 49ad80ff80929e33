package dev.trilog.routing.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.TopicInUseException;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a restart, what does not, and what a restart repairs. */
class TopologyRestartTest {

    @TempDir
    Path dataDir;
    LogEngine engine;

    Topology open() throws IOException {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        return Topology.open(engine);
    }

    /** As a crash could leave it: the engine opened alone (no topology guards its topics), the topic deleted. */
    void deleteTopicWithoutTopology(String topic) throws Exception {
        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir));
        engine.deleteTopic(topic);
    }

    Topology reopen() throws IOException {
        engine.close();
        return open();
    }

    @AfterEach
    void close() throws IOException {
        engine.close();
    }

    @Test
    void queuesExchangesAndBindingsSurviveARestart() throws Exception {
        Topology topology = open();
        QueueSpec orders = QueueSpec.durable("orders").withArguments(Map.of(
                QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString("dlx"),
                QueueSpec.DELIVERY_LIMIT, HeaderValue.ofInt(5),
                "x-custom", HeaderValue.ofDecimal("1.50").withCustomType("float")));
        ExchangeSpec shop = new ExchangeSpec("shop", ExchangeType.TOPIC, true, false, true,
                Map.of(ExchangeSpec.ALTERNATE_EXCHANGE, HeaderValue.ofString("amq.fanout")));
        Binding topic = Binding.toQueue("shop", "orders", "order.*.eu");
        Binding headers = Binding.toQueue("amq.match", "orders", "").withArguments(Map.of(
                "x-match", HeaderValue.ofString("any"), "kind", HeaderValue.nullValue(),
                "名前", HeaderValue.ofBinary(new byte[] {0, (byte) 0xFF})));
        Binding e2e = Binding.toExchange("amq.topic", "shop", "#");
        topology.declareQueue(orders);
        topology.declareExchange(shop);
        topology.bind(topic);
        topology.bind(headers);
        topology.bind(e2e);

        Topology again = reopen();
        assertThat(again.queue("orders")).contains(orders);
        assertThat(again.exchange("shop")).contains(shop);
        assertThat(again.bindings()).containsExactlyInAnyOrder(topic, headers, e2e);
        assertThat(again.route("amq.topic", "order.new.eu", Map.of())).containsExactly("orders");
        assertThat(again.route("amq.match", "", Map.of("kind", HeaderValue.ofString("x")))).containsExactly("orders");
        assertThat(again.declareQueue(orders)).isFalse();
        assertThat(again.bind(topic)).isFalse();
    }

    @Test
    void deletionsSurviveARestart() throws Exception {
        Topology topology = open();
        topology.declareQueue(QueueSpec.durable("q"));
        topology.declareExchange(ExchangeSpec.durable("x", ExchangeType.DIRECT));
        topology.bind(Binding.toQueue("x", "q", "k"));
        topology.unbind(Binding.toQueue("x", "q", "k"));
        topology.deleteExchange("x", false);
        topology.deleteQueue("q");

        Topology again = reopen();
        assertThat(again.queue("q")).isEmpty();
        assertThat(again.exchange("x")).isEmpty();
        assertThat(again.bindings()).isEmpty();
        assertThat(engine.topic("q")).isEmpty();
    }

    @Test
    void transientQueuesAndExchangesAndExclusiveQueuesDoNotSurviveARestart() throws Exception {
        Topology topology = open();
        topology.declareQueue(new QueueSpec("transient", false, false, false, Map.of()));
        topology.declareQueue(new QueueSpec("exclusive", true, true, false, Map.of()));
        topology.declareQueue(QueueSpec.durable("durable"));
        topology.declareExchange(new ExchangeSpec("transient-x", ExchangeType.FANOUT, false, false, false, Map.of()));
        topology.bind(Binding.toQueue("transient-x", "durable", ""));
        topology.bind(Binding.toQueue("amq.fanout", "transient", ""));
        topology.bind(Binding.toQueue("amq.fanout", "durable", ""));

        Topology again = reopen();
        assertThat(again.queues()).extracting(QueueSpec::name).containsExactly("durable");
        assertThat(again.exchange("transient-x")).isEmpty();
        assertThat(again.bindings()).containsExactly(Binding.toQueue("amq.fanout", "durable", ""));
        assertThat(engine.topic("transient")).isEmpty();
        assertThat(engine.topic("exclusive")).isEmpty();

        Topology third = reopen();
        assertThat(third.bindings()).hasSize(1);
        assertThat(engine.queueStateMap(Topology.QUEUES).all()).containsOnlyKeys("durable");
        assertThat(engine.queueStateMap(Topology.EXCHANGES).all()).isEmpty();
    }

    @Test
    void aQueueWhoseTopicVanishedGetsItBack() throws Exception {
        Topology topology = open();
        topology.declareQueue(QueueSpec.durable("q").withArguments(Map.of(QueueSpec.PARTITIONS, HeaderValue.ofInt(2))));
        // as if the process died between recording the queue and creating its topic
        deleteTopicWithoutTopology("q");

        Topology again = reopen();
        assertThat(again.queue("q")).isPresent();
        assertThat(engine.topic("q")).hasValueSatisfying(t -> assertThat(t.partitions()).isEqualTo(2));
    }

    @Test
    void aQueueWhoseAdoptedTopicVanishedOwnsTheOneItGetsBack() throws Exception {
        open();
        engine.createTopic("events", 1, Map.of());
        Topology topology = Topology.open(engine);
        topology.declareQueue(QueueSpec.durable("events"));
        assertThatThrownBy(() -> engine.deleteTopic("events")).as("a client may not delete it under the queue")
                .isInstanceOf(TopicInUseException.class).hasMessageContaining("queue 'events'");
        deleteTopicWithoutTopology("events");

        Topology again = reopen();
        assertThat(engine.topic("events")).isPresent();
        again.deleteQueue("events");
        assertThat(engine.topic("events")).as("made for the queue, so deleted with it").isEmpty();
    }

    @Test
    void aBindingWhoseQueueIsGoneIsDropped() throws Exception {
        open();
        Binding orphan = Binding.toQueue("amq.direct", "gone", "k");
        // as if the process died between deleting a queue's bindings and its record, the other way round
        engine.queueStateMap(Topology.BINDINGS).put(TopologyCodec.bindingId(orphan), TopologyCodec.encode(orphan));

        Topology again = reopen();
        assertThat(again.bindings()).isEmpty();
        assertThat(engine.queueStateMap(Topology.BINDINGS).all()).isEmpty();
    }

    @Test
    void aStoredEntryOfAnUnknownFormatStopsTheOpenRatherThanLosingIt() throws Exception {
        open();
        engine.queueStateMap(Topology.QUEUES).put("future", new byte[] {2, 0, 0});
        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir));
        assertThatThrownBy(() -> Topology.open(engine))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("future")
                .hasMessageContaining("format version 2");
    }

    @Test
    void routingNeedsNoLockWhileBindingsChange() throws Exception {
        Topology topology = open();
        topology.declareQueue(QueueSpec.durable("stable"));
        topology.declareQueue(QueueSpec.durable("flapping"));
        topology.bind(Binding.toQueue("amq.topic", "stable", "a.#"));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread router = new Thread(() -> {
            try {
                while (!done.get()) {
                    assertThat(topology.route("amq.topic", "a.b", Map.of())).contains("stable");
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        router.start();
        Binding flapping = Binding.toQueue("amq.topic", "flapping", "a.*");
        for (int i = 0; i < 100; i++) {
            topology.bind(flapping);
            topology.unbind(flapping);
        }
        done.set(true);
        router.join();
        assertThat(failure.get()).isNull();
    }
}
