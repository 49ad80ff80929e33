package dev.trilog.routing.topology;

import static dev.trilog.routing.topology.TopologyTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.topology.TopologyException.Reason;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each vhost's queues, exchanges and bindings, kept apart under {@link VhostNames}' qualified names. */
class TopologyVhostTest {

    static final String DEV_Q = VhostNames.qualify("dev", "q");
    static final String DEV_DEFAULT = VhostNames.qualify("dev", "");

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

    @Test
    void theSameQueueNameInTwoVhostsIsTwoQueuesOnTwoTopics() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        topology.declareQueue(QueueSpec.durable(DEV_Q));
        assertThat(engine.topic("q")).isPresent();
        assertThat(engine.topic("vhost.dev.q")).isPresent();
        // each vhost's default exchange routes to its own queue of that name
        assertThat(topology.route("", "q", Map.of())).containsExactly("q");
        assertThat(topology.route(DEV_DEFAULT, "q", Map.of())).containsExactly(DEV_Q);
        assertThat(topology.route(VhostNames.qualify("staging", ""), "q", Map.of())).isEmpty();
    }

    @Test
    void everyVhostHasItsOwnBuiltInExchanges() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        topology.declareQueue(QueueSpec.durable(DEV_Q));
        String devTopic = VhostNames.qualify("dev", "amq.topic");
        assertThat(topology.exchange(devTopic)).hasValueSatisfying(x -> assertThat(x.type()).isEqualTo(ExchangeType.TOPIC));
        topology.bind(Binding.toQueue(devTopic, DEV_Q, "orders.#"));
        assertThat(topology.route(devTopic, "orders.eu", Map.of())).containsExactly(DEV_Q);
        assertThat(topology.route("amq.topic", "orders.eu", Map.of())).isEmpty();
        refused(Reason.ACCESS_REFUSED, () -> topology.deleteExchange(devTopic, false));
        refused(Reason.ACCESS_REFUSED, () -> topology.declareExchange(
                ExchangeSpec.durable(VhostNames.qualify("dev", "amq.mine"), ExchangeType.FANOUT)));
        refused(Reason.ACCESS_REFUSED, () -> topology.bind(Binding.toQueue(DEV_DEFAULT, DEV_Q, "q")));
    }

    @Test
    void alternateExchangesAreLookedUpInTheExchangesVhost() throws Exception {
        topology.declareQueue(QueueSpec.durable(DEV_Q));
        topology.declareQueue(QueueSpec.durable("lost"));
        topology.declareExchange(ExchangeSpec.durable(VhostNames.qualify("dev", "lost"), ExchangeType.FANOUT));
        topology.declareExchange(ExchangeSpec.durable("lost", ExchangeType.FANOUT));
        topology.bind(Binding.toQueue(VhostNames.qualify("dev", "lost"), DEV_Q, ""));
        topology.bind(Binding.toQueue("lost", "lost", ""));
        String withAlternate = VhostNames.qualify("dev", "main");
        topology.declareExchange(ExchangeSpec.durable(withAlternate, ExchangeType.DIRECT)
                .withArguments(Map.of(ExchangeSpec.ALTERNATE_EXCHANGE, HeaderValue.ofString("lost"))));
        assertThat(topology.route(withAlternate, "nobody", Map.of())).containsExactly(DEV_Q);
    }

    @Test
    void deletingAVhostRemovesItsQueuesTopicsExchangesAndBindingsOnly() throws Exception {
        topology.declareQueue(QueueSpec.durable("q"));
        topology.declareQueue(QueueSpec.durable(DEV_Q));
        topology.declareExchange(ExchangeSpec.durable(VhostNames.qualify("dev", "x"), ExchangeType.FANOUT));
        topology.bind(Binding.toQueue(VhostNames.qualify("dev", "x"), DEV_Q, ""));
        topology.bind(Binding.toQueue(VhostNames.qualify("dev", "amq.fanout"), DEV_Q, ""));

        Topology.VhostContents removed = topology.deleteVhost("dev");

        assertThat(removed.queues()).containsExactly(DEV_Q);
        assertThat(removed.exchanges()).contains(VhostNames.qualify("dev", "x"), VhostNames.qualify("dev", "amq.fanout"));
        assertThat(topology.queue(DEV_Q)).isEmpty();
        assertThat(engine.topic("vhost.dev.q")).isEmpty();
        assertThat(topology.exchange(VhostNames.qualify("dev", "x"))).isEmpty();
        assertThat(topology.bindings()).isEmpty();
        assertThat(topology.queue("q")).isPresent();
        assertThat(engine.topic("q")).isPresent();

        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir));
        topology = Topology.open(engine);
        assertThat(topology.queue(DEV_Q)).isEmpty();
        assertThat(topology.queue("q")).isPresent();
    }

    @Test
    void aVhostsTopologySurvivesARestart() throws Exception {
        topology.declareQueue(QueueSpec.durable(DEV_Q));
        topology.bind(Binding.toQueue(VhostNames.qualify("dev", "amq.direct"), DEV_Q, "k"));
        engine.close();
        engine = LogEngine.open(EngineSettings.of(dataDir));
        topology = Topology.open(engine);
        // the binding from the vhost's built-in exchange is kept, though that exchange is made on first use
        assertThat(topology.route(VhostNames.qualify("dev", "amq.direct"), "k", Map.of())).containsExactly(DEV_Q);
    }

    @Test
    void errorsNameTheRealVhost() throws Exception {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> topology.route(VhostNames.qualify("dev", "nope"),
                "k", Map.of()))).hasMessage("no exchange 'nope' in vhost 'dev'");
    }
}
