package dev.trilog.routing.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.topology.TopologyException.Reason;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {

    @TempDir
    Path dataDir;
    LogEngine engine;
    Topology topology;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        topology = Topology.open(engine);
    }

    @AfterEach
    void close() throws Exception {
        engine.close();
    }

    static void refused(Reason reason, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TopologyException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    // ------------------------------------------------------------------ queues

    @Test
    void aQueueIsATopicOfTheSameName() throws Exception {
        assertThat(topology.declareQueue(QueueSpec.durable("orders"))).isTrue();
        assertThat(engine.topic("orders")).hasValueSatisfying(t -> assertThat(t.partitions()).isEqualTo(1));
        assertThat(topology.queue("orders")).contains(QueueSpec.durable("orders"));
        assertThat(topology.queue("orders").get().topic()).isEqualTo("orders");
        assertThat(topology.queue("orders").get().shareGroup()).isEqualTo("orders");
    }

    @Test
    void declaringTheSameQueueAgainIsIdempotentAndADifferentOneIsAPreconditionFailure() throws Exception {
        QueueSpec spec = QueueSpec.durable("q").withArguments(Map.of(QueueSpec.MESSAGE_TTL, HeaderValue.ofInt(60_000)));
        assertThat(topology.declareQueue(spec)).isTrue();
        assertThat(topology.declareQueue(spec)).isFalse();
        refused(Reason.PRECONDITION_FAILED, () -> topology.declareQueue(QueueSpec.durable("q")));
        assertThatThrownBy(() -> topology.declareQueue(new QueueSpec("q", false, false, false, spec.arguments())))
                .hasMessageContaining("inequivalent declaration of queue 'q'");
    }

    @Test
    void fifoQueuesTakeTheConfiguredPartitionsAndAnExplicitCountWins() throws Exception {
        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir));
        topology = Topology.open(engine, 4);
        Map<String, HeaderValue> fifo = Map.of(QueueSpec.FIFO, HeaderValue.ofBoolean(true));
        topology.declareQueue(QueueSpec.durable("plain"));
        topology.declareQueue(QueueSpec.durable("orders.fifo").withArguments(fifo));
        topology.declareQueue(QueueSpec.durable("wide").withArguments(Map.of(QueueSpec.PARTITIONS,
                HeaderValue.ofInt(3))));
        assertThat(engine.topic("plain").get().partitions()).isEqualTo(1);
        assertThat(engine.topic("orders.fifo").get().partitions()).isEqualTo(4);
        assertThat(engine.topic("wide").get().partitions()).isEqualTo(3);
    }

    @Test
    void aQueueOverAnExistingTopicAdoptsItAndLeavesItWhenDeleted() throws Exception {
        engine.createTopic("events", 3, Map.of());
        assertThat(topology.declareQueue(QueueSpec.durable("events"))).isTrue();
        assertThat(engine.topic("events").get().partitions()).isEqualTo(3);
        assertThat(topology.deleteQueue("events")).isTrue();
        assertThat(engine.topic("events")).as("the Kafka topic outlives the queue").isPresent();
    }

    @Test
    void deletingAQueueOverAnAdoptedTopicForgetsItsDeliveryState() throws Exception {
        engine.createTopic("events", 1, Map.of());
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition("events", 0);
        engine.appender().appendRecords(tp, java.util.List.of(dev.trilog.log.record.RecordData.of(1L, null, new byte[1])))
                .join();
        topology.declareQueue(QueueSpec.durable("events"));
        dev.trilog.log.share.ShareCursor cursor = engine.shareCursor(tp, "events",
                dev.trilog.log.share.ShareGroupSettings.kafkaDefaults(), dev.trilog.log.share.DeliveryPolicy.NONE,
                dev.trilog.log.share.ArchiveListener.NONE);
        cursor.acknowledgeAll(cursor.acquire("c", 10, 1 << 20, 30_000)).join();
        assertThat(cursor.startOffset()).isEqualTo(1);

        topology.deleteQueue("events");
        topology.declareQueue(QueueSpec.durable("events"));

        dev.trilog.log.share.ShareCursor fresh = engine.shareCursor(tp, "events",
                dev.trilog.log.share.ShareGroupSettings.kafkaDefaults(), dev.trilog.log.share.DeliveryPolicy.NONE,
                dev.trilog.log.share.ArchiveListener.NONE);
        assertThat(fresh).isNotSameAs(cursor);
        assertThat(fresh.startOffset()).isZero();
    }

    @Test
    void anExplicitPartitionCountMustFitAnExistingTopic() throws Exception {
        engine.createTopic("events", 3, Map.of());
        refused(Reason.PRECONDITION_FAILED, () -> topology.declareQueue(QueueSpec.durable("events")
                .withArguments(Map.of(QueueSpec.PARTITIONS, HeaderValue.ofInt(2)))));
        assertThat(topology.queue("events")).isEmpty();
    }

    @Test
    void deletingAQueueDeletesItsTopicAndBindings() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        topology.bind(Binding.toQueue("amq.direct", "q", "k"));
        assertThat(topology.deleteQueue("q")).isTrue();
        assertThat(engine.topic("q")).isEmpty();
        assertThat(topology.bindings()).isEmpty();
        assertThat(topology.route("amq.direct", "k", Map.of())).isEmpty();
        assertThat(topology.deleteQueue("q")).isFalse();
    }

    @Test
    void queueNamesMustBeTopicNames() {
        for (String bad : new String[] {"", "a b", "a/b", "é", ".", "..", "__trilog_x", "x".repeat(250)}) {
            assertThatThrownBy(() -> QueueSpec.durable(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        QueueSpec.durable("amq.gen-JzTY20BRgKO-HjmUJj0wLg");
        QueueSpec.durable("orders.fifo");
    }

    @Test
    void queueArgumentsAreTypedAndHaveDefaults() {
        QueueSpec plain = QueueSpec.durable("q");
        assertThat(plain.maxDeliveryCount()).isEqualTo(20);
        assertThat(plain.deliveryDelayMs()).isZero();
        assertThat(plain.fifo()).isFalse();
        assertThat(plain.deadLetterExchange()).isEmpty();
        QueueSpec redrive = plain.withArguments(Map.of(
                QueueSpec.DEAD_LETTER_EXCHANGE, HeaderValue.ofString(""),
                QueueSpec.DEAD_LETTER_ROUTING_KEY, HeaderValue.ofString("q-dlq"),
                QueueSpec.DELIVERY_LIMIT, HeaderValue.ofShort((short) 5),
                QueueSpec.MESSAGE_TTL, HeaderValue.ofUint(1000),
                QueueSpec.DELIVERY_DELAY, HeaderValue.ofLong(900_000),
                "x-queue-type", HeaderValue.ofString("quorum")));
        assertThat(redrive.deadLetterExchange()).contains("");
        assertThat(redrive.deadLetterRoutingKey()).contains("q-dlq");
        assertThat(redrive.maxDeliveryCount()).isEqualTo(5);
        assertThat(redrive.messageTtlMs()).hasValue(1000);
        assertThat(redrive.deliveryDelayMs()).isEqualTo(900_000);
        assertThatThrownBy(() -> plain.withArguments(Map.of(QueueSpec.MESSAGE_TTL, HeaderValue.ofString("1000"))))
                .hasMessageContaining("invalid argument 'x-message-ttl'");
        assertThatThrownBy(() -> plain.withArguments(Map.of(QueueSpec.MESSAGE_TTL, HeaderValue.ofInt(-1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plain.withArguments(Map.of(QueueSpec.FIFO, HeaderValue.ofString("true"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ exchanges

    @Test
    void rabbitMqsExchangesExistByDefault() throws Exception {
        assertThat(topology.exchanges()).extracting(ExchangeSpec::name)
                .contains("", "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match");
        assertThat(topology.exchange("amq.topic").get().type()).isEqualTo(ExchangeType.TOPIC);
        assertThat(topology.declareExchange(ExchangeSpec.durable("amq.direct", ExchangeType.DIRECT))).isFalse();
        refused(Reason.PRECONDITION_FAILED,
                () -> topology.declareExchange(ExchangeSpec.durable("amq.direct", ExchangeType.FANOUT)));
    }

    @Test
    void theDefaultExchangeRoutesToTheQueueNamedByTheKey() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        assertThat(topology.route("", "q", Map.of())).containsExactly("q");
        assertThat(topology.route("", "missing", Map.of())).isEmpty();
    }

    @Test
    void reservedExchangesCannotBeDeclaredDeletedOrBound() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        refused(Reason.ACCESS_REFUSED, () -> topology.declareExchange(ExchangeSpec.durable("", ExchangeType.DIRECT)));
        refused(Reason.ACCESS_REFUSED, () -> topology.declareExchange(ExchangeSpec.durable("amq.mine",
                ExchangeType.TOPIC)));
        refused(Reason.ACCESS_REFUSED, () -> topology.deleteExchange("amq.topic", false));
        refused(Reason.ACCESS_REFUSED, () -> topology.deleteExchange("", false));
        refused(Reason.ACCESS_REFUSED, () -> topology.bind(Binding.toQueue("", "q", "q")));
        refused(Reason.ACCESS_REFUSED, () -> topology.bind(Binding.toExchange("amq.direct", "", "k")));
        refused(Reason.ACCESS_REFUSED, () -> topology.unbind(Binding.toQueue("", "q", "q")));
    }

    @Test
    void declaringAnExchangeIsIdempotentAndADifferentOneIsAPreconditionFailure() throws Exception {
        ExchangeSpec logs = ExchangeSpec.durable("logs", ExchangeType.FANOUT);
        assertThat(topology.declareExchange(logs)).isTrue();
        assertThat(topology.declareExchange(logs)).isFalse();
        refused(Reason.PRECONDITION_FAILED, () -> topology.declareExchange(ExchangeSpec.durable("logs",
                ExchangeType.TOPIC)));
        refused(Reason.PRECONDITION_FAILED, () -> topology.declareExchange(new ExchangeSpec("logs",
                ExchangeType.FANOUT, true, true, false, Map.of())));
    }

    @Test
    void deletingAnExchangeRemovesBindingsFromAndToIt() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        topology.declareExchange(ExchangeSpec.durable("x", ExchangeType.DIRECT));
        topology.bind(Binding.toQueue("x", "q", "k"));
        topology.bind(Binding.toExchange("amq.direct", "x", "k"));
        refused(Reason.PRECONDITION_FAILED, () -> topology.deleteExchange("x", true));
        assertThat(topology.deleteExchange("x", false)).isTrue();
        assertThat(topology.bindings()).isEmpty();
        assertThat(topology.route("amq.direct", "k", Map.of())).isEmpty();
        assertThat(topology.deleteExchange("x", false)).isFalse();
        refused(Reason.NOT_FOUND, () -> topology.route("x", "k", Map.of()));
    }

    // ------------------------------------------------------------------ bindings and routing

    @Test
    void bindingNeedsBothEndsAndAValidHeadersSpec() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        refused(Reason.NOT_FOUND, () -> topology.bind(Binding.toQueue("nope", "q", "k")));
        refused(Reason.NOT_FOUND, () -> topology.bind(Binding.toQueue("amq.direct", "nope", "k")));
        refused(Reason.NOT_FOUND, () -> topology.bind(Binding.toExchange("amq.direct", "nope", "k")));
        refused(Reason.PRECONDITION_FAILED, () -> topology.bind(Binding.toQueue("amq.headers", "q", "")
                .withArguments(Map.of("x-match", HeaderValue.ofString("most")))));
        refused(Reason.NOT_FOUND, () -> topology.unbind(Binding.toQueue("amq.direct", "nope", "k")));
    }

    @Test
    void bindingIsIdempotentAndUnbindingWhatIsNotBoundIsNoError() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        Binding b = Binding.toQueue("amq.topic", "q", "a.*");
        assertThat(topology.bind(b)).isTrue();
        assertThat(topology.bind(b)).isFalse();
        assertThat(topology.bind(b.withArguments(Map.of("k", HeaderValue.ofInt(1))))).as("arguments differ").isTrue();
        assertThat(topology.bindingsFrom("amq.topic")).hasSize(2);
        assertThat(topology.unbind(b)).isTrue();
        assertThat(topology.unbind(b)).isFalse();
        assertThat(topology.route("amq.topic", "a.b", Map.of())).as("still bound with arguments").containsExactly("q");
    }

    @Test
    void everyExchangeTypeRoutes() throws Exception {
        for (String q : new String[] {"direct", "topic", "fanout", "headers"}) {
            topology.declareQueue(QueueSpec.durable(q));
        }
        topology.bind(Binding.toQueue("amq.direct", "direct", "key"));
        topology.bind(Binding.toQueue("amq.topic", "topic", "stock.#"));
        topology.bind(Binding.toQueue("amq.fanout", "fanout", ""));
        topology.bind(Binding.toQueue("amq.headers", "headers", "").withArguments(Map.of(
                "x-match", HeaderValue.ofString("any"), "format", HeaderValue.ofString("pdf"))));
        assertThat(topology.route("amq.direct", "key", Map.of())).containsExactly("direct");
        assertThat(topology.route("amq.topic", "stock.usd.nyse", Map.of())).containsExactly("topic");
        assertThat(topology.route("amq.fanout", "whatever", Map.of())).containsExactly("fanout");
        assertThat(topology.route("amq.headers", "", Map.of("format", HeaderValue.ofString("pdf"))))
                .containsExactly("headers");
        assertThat(topology.route("amq.headers", "", Map.of())).isEmpty();
    }

    @Test
    void exchangeToExchangeBindingsAreFollowedOnceEvenInCycles() throws Exception {
        topology.declareQueue(QueueSpec.durable("q1"));
        topology.declareQueue(QueueSpec.durable("q2"));
        topology.declareExchange(ExchangeSpec.durable("a", ExchangeType.FANOUT));
        topology.declareExchange(ExchangeSpec.durable("b", ExchangeType.TOPIC));
        topology.bind(Binding.toExchange("a", "b", ""));
        topology.bind(Binding.toExchange("b", "a", "#"));
        topology.bind(Binding.toQueue("a", "q1", ""));
        topology.bind(Binding.toQueue("b", "q1", "#"));
        topology.bind(Binding.toQueue("b", "q2", "only.this"));
        assertThat(topology.route("a", "only.this", Map.of())).containsExactlyInAnyOrder("q1", "q2");
        assertThat(topology.route("b", "other", Map.of())).containsExactly("q1");
    }

    @Test
    void anExchangeThatRoutesNowhereHandsTheMessageToItsAlternate() throws Exception {
        topology.declareQueue(QueueSpec.durable("matched"));
        topology.declareQueue(QueueSpec.durable("unrouted"));
        topology.declareExchange(ExchangeSpec.durable("ae", ExchangeType.FANOUT));
        topology.bind(Binding.toQueue("ae", "unrouted", ""));
        topology.declareExchange(ExchangeSpec.durable("x", ExchangeType.DIRECT).withArguments(Map.of(
                ExchangeSpec.ALTERNATE_EXCHANGE, HeaderValue.ofString("ae"))));
        topology.bind(Binding.toQueue("x", "matched", "k"));
        assertThat(topology.route("x", "k", Map.of())).containsExactly("matched");
        assertThat(topology.route("x", "other", Map.of())).containsExactly("unrouted");
    }

    @Test
    void anAutoDeleteExchangeGoesWithItsLastBinding() throws Exception {
        topology.declareQueue(QueueSpec.durable("q1"));
        topology.declareQueue(QueueSpec.durable("q2"));
        topology.declareExchange(new ExchangeSpec("temp", ExchangeType.DIRECT, true, true, false, Map.of()));
        topology.bind(Binding.toQueue("temp", "q1", "k"));
        topology.bind(Binding.toQueue("temp", "q2", "k"));
        topology.unbind(Binding.toQueue("temp", "q1", "k"));
        assertThat(topology.exchange("temp")).isPresent();
        topology.deleteQueue("q2");
        assertThat(topology.exchange("temp")).isEmpty();
    }

    @Test
    void routingAnUnknownExchangeIsNotFound() {
        refused(Reason.NOT_FOUND, () -> topology.route("nope", "k", Map.of()));
    }

    @Test
    void bindingsAreListedByEnd() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        Binding b1 = Binding.toQueue("amq.direct", "q", "a");
        Binding b2 = Binding.toQueue("amq.topic", "q", "b");
        topology.bind(b1);
        topology.bind(b2);
        assertThat(topology.bindingsTo(Destination.queue("q"))).containsExactlyInAnyOrder(b1, b2);
        assertThat(topology.bindingsFrom("amq.topic")).containsExactly(b2);
    }
}
