package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.frontend.Frontends;
import dev.trilog.frontend.InvalidConfigException;
import dev.trilog.gateway.definitions.Definitions;
import dev.trilog.gateway.definitions.DefinitionsApplier;
import dev.trilog.gateway.definitions.DefinitionsFile;
import dev.trilog.log.Topic;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --definitions}: declared at start, idempotent, conflicts and mistakes named (docs/definitions.md). */
class StartupDefinitionsTest {

    static final String YAML = """
            topics:
              - name: orders
                partitions: 3
                configs:
                  retention.ms: 3600000
                  cleanup.policy: delete
            sqsQueues:
              - name: jobs
                attributes:
                  VisibilityTimeout: 45
                  RedrivePolicy: {deadLetterTargetArn: jobs-dlq, maxReceiveCount: 3}
                tags: {team: payments}
              - name: jobs-dlq
              - name: tasks.fifo
                attributes: {FifoQueue: true, ContentBasedDeduplication: true}
            exchanges:
              - name: events
                type: topic
                durable: true
              - name: audit
                type: fanout
                arguments: {alternate-exchange: events}
            queues:
              - name: billing
                arguments: {x-message-ttl: 60000, x-dead-letter-exchange: events}
              - name: everything
            bindings:
              - source: events
                destination: billing
                routingKey: "invoice.*"
              - source: events
                destination: audit
                destinationType: exchange
                routingKey: "#"
              - source: audit
                destination: everything
            """;

    static final String JSON = """
            {"topics": [{"name": "orders", "partitions": 3, "configs": {"retention.ms": "3600000", "cleanup.policy": "delete"}}],
             "sqsQueues": [{"name": "jobs-dlq"}],
             "queues": [{"name": "billing", "arguments": {"x-message-ttl": 60000}}]}
            """;

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private RunningGateway start(Path definitions) {
        return Gateway.start(TestConfigs.ephemeral(dir.resolve("data"), "definitions.file", definitions.toString()),
                Frontends.installed());
    }

    @Test
    void everyKindIsDeclaredAtStart() throws Exception {
        try (RunningGateway gateway = start(file("defs.yaml", YAML))) {
            Topic orders = gateway.engine().topic("orders").orElseThrow();
            assertThat(orders.partitions()).isEqualTo(3);
            assertThat(orders.configOverrides()).containsEntry("retention.ms", "3600000")
                    .containsEntry("cleanup.policy", "delete");

            Topology topology = gateway.queueLayer().topology();
            QueueSpec jobs = topology.queue("jobs").orElseThrow();
            assertThat(jobs.arguments()).containsKey("x-trilog-sqs");
            assertThat(jobs.maxDeliveryCount()).isEqualTo(3);
            assertThat(jobs.deadLetterRoutingKey()).contains("jobs-dlq");
            assertThat(jobs.arguments().get("x-trilog-sqs").asString())
                    .contains("\"VisibilityTimeout\":\"45\"", "\"team\":\"payments\"");
            assertThat(topology.queue("tasks.fifo").orElseThrow().fifo()).isTrue();

            assertThat(topology.exchange("events")).contains(ExchangeSpec.durable("events", ExchangeType.TOPIC));
            assertThat(topology.exchange("audit").orElseThrow().alternateExchange()).contains("events");
            QueueSpec billing = topology.queue("billing").orElseThrow();
            assertThat(billing.messageTtlMs()).hasValue(60000);
            assertThat(billing.deadLetterExchange()).contains("events");
            assertThat(topology.queue("everything")).isPresent();
            assertThat(topology.bindings()).contains(
                    Binding.toQueue("events", "billing", "invoice.*"),
                    Binding.toExchange("events", "audit", "#"),
                    Binding.toQueue("audit", "everything", ""));
            assertThat(topology.route("events", "invoice.paid", Map.of())).containsExactlyInAnyOrder("billing",
                    "everything");
        }
    }

    @Test
    void startingTwiceOverTheSameDataChangesNothing() throws IOException {
        Path definitions = file("defs.yaml", YAML);
        String first;
        try (RunningGateway gateway = start(definitions)) {
            first = export(gateway);
        }
        try (RunningGateway again = start(definitions)) {
            assertThat(export(again)).isEqualTo(first);
            assertThat(again.engine().topic("orders").orElseThrow().partitions()).isEqualTo(3);
        }
    }

    @Test
    void everyEntryIsNewOnceAndNeverAgain() throws IOException {
        Path file = file("defs.yaml", YAML);
        try (RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dir.resolve("data")), Frontends.installed())) {
            Definitions definitions = Definitions.parse(DefinitionsFile.read(file), gateway.definitionSections());
            DefinitionsApplier applier = new DefinitionsApplier(gateway.engine(), gateway.queueLayer().topology(),
                    gateway.queueLayer().queues(), gateway.definitionSections());

            // 1 topic, 3 SQS queues, 2 exchanges, 2 queues, 3 bindings
            assertThat(applier.apply(definitions)).isEqualTo(11);
            assertThat(applier.apply(definitions)).isZero();
        }
    }

    @Test
    void aJsonFileIsReadAsJson() throws IOException {
        try (RunningGateway gateway = start(file("defs.json", JSON))) {
            assertThat(gateway.engine().topic("orders").orElseThrow().partitions()).isEqualTo(3);
            assertThat(gateway.queueLayer().topology().queue("jobs-dlq")).isPresent();
            assertThat(gateway.queueLayer().topology().queue("billing").orElseThrow().messageTtlMs()).hasValue(60000);
        }
    }

    @Test
    void whatAClientDeclaredWithOtherWireTypesMatches() throws Exception {
        try (RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dir.resolve("data")), Frontends.installed())) {
            // as an AMQP 0-9-1 client declares it: a 32-bit TTL
            gateway.queueLayer().topology().declareQueue(new QueueSpec("billing", true, false, false,
                    Map.of("x-message-ttl", HeaderValue.ofInt(60000))));
        }
        try (RunningGateway gateway = start(file("defs.json", JSON))) {
            assertThat(gateway.queueLayer().topology().queue("billing").orElseThrow().arguments().get("x-message-ttl"))
                    .isEqualTo(HeaderValue.ofInt(60000));
        }
    }

    @Test
    void aTopicWithOtherPartitionsStopsTheStartNamingIt() throws IOException {
        start(file("defs.json", JSON)).close();
        Path other = file("other.yaml", "topics: [{name: orders, partitions: 6, configs: {retention.ms: 3600000,"
                + " cleanup.policy: delete}}]\n");

        assertThatThrownBy(() -> start(other)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + other + ": topics 'orders': exists with 3 partitions, not 6");
        // nothing stays open: the directory opens again
        Gateway.start(TestConfigs.ephemeral(dir.resolve("data")), Frontends.installed()).close();
    }

    @Test
    void aTopicWithOtherConfigsStopsTheStart() throws IOException {
        start(file("defs.json", JSON)).close();
        Path other = file("other.yaml", "topics: [{name: orders, partitions: 3, configs: {retention.ms: 1000}}]\n");

        assertThatThrownBy(() -> start(other)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + other + ": topics 'orders': exists with configs"
                        + " {cleanup.policy=delete, retention.ms=3600000}, not {retention.ms=1000}");
    }

    @Test
    void aQueueWithOtherArgumentsStopsTheStartNamingIt() throws IOException {
        start(file("defs.json", JSON)).close();
        Path other = file("other.yaml", "queues: [{name: billing, arguments: {x-message-ttl: 1000}}]\n");

        assertThatThrownBy(() -> start(other)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + other + ": queues 'billing': exists with arguments {x-message-ttl=60000},"
                        + " not arguments {x-message-ttl=1000}");
    }

    @Test
    void anExchangeOfAnotherTypeStopsTheStart() throws IOException {
        start(file("defs.yaml", YAML)).close();
        Path other = file("other.yaml", "exchanges: [{name: events, type: direct}]\n");

        assertThatThrownBy(() -> start(other)).isInstanceOf(StartupException.class)
                .hasMessageEndingWith("exchanges 'events': exists as topic durable with arguments {},"
                        + " not direct durable with arguments {}");
    }

    @Test
    void anSqsQueueWithAnotherAttributeStopsTheStartThroughSqsRules() throws IOException {
        start(file("defs.yaml", YAML)).close();
        Path other = file("other.yaml", "sqsQueues: [{name: jobs, attributes: {VisibilityTimeout: 30}}]\n");

        assertThatThrownBy(() -> start(other)).isInstanceOf(StartupException.class)
                .hasMessageEndingWith("sqsQueues 'jobs': A queue already exists with the same name and a different"
                        + " value for attribute VisibilityTimeout");
    }

    @Test
    void anInvalidSqsAttributeIsRefusedBySqsRules() throws IOException {
        Path bad = file("bad.yaml", "sqsQueues: [{name: jobs, attributes: {VisibilityTimeout: 99999}}]\n");

        assertThatThrownBy(() -> start(bad)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + bad + ": sqsQueues 'jobs': Invalid value for the parameter VisibilityTimeout.");
    }

    @Test
    void unknownFieldsAreRefusedByName() throws IOException {
        Path topic = file("t.yaml", "topics: [{name: orders, partiton: 3}]\n");
        assertThatThrownBy(() -> start(topic)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + topic + ": topics 'orders': unknown field 'partiton'"
                        + " (known: name, partitions, configs)");

        Path top = file("top.yaml", "topic: []\n");
        assertThatThrownBy(() -> start(top)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + top + ": unknown field 'topic'"
                        + " (known: topics, sqsQueues, exchanges, queues, bindings)");

        Path sqs = file("sqs.json", "{\"sqsQueues\": [{\"name\": \"jobs\", \"attribute\": {}}]}");
        assertThatThrownBy(() -> start(sqs)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + sqs + ": sqsQueues 'jobs': unknown field 'attribute'"
                        + " (known: name, attributes, tags)");

        Path binding = file("b.yaml", "bindings: [{source: events, destination: q, key: x}]\n");
        assertThatThrownBy(() -> start(binding)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + binding + ": bindings from 'events': unknown field 'key'"
                        + " (known: source, destination, destinationType, routingKey, arguments)");
    }

    @Test
    void badValuesAreNamed() throws IOException {
        Path type = file("type.yaml", "exchanges: [{name: x, type: fan}]\n");
        assertThatThrownBy(() -> start(type)).hasMessageEndingWith(
                "exchanges 'x': type is direct, fanout, topic or headers, not 'fan'");
        Path partitions = file("p.yaml", "topics: [{name: t, partitions: zero}]\n");
        assertThatThrownBy(() -> start(partitions)).hasMessageEndingWith(
                "topics 't': 'partitions' must be an integer of at least 1");
        Path name = file("n.yaml", "queues: [{arguments: {}}]\n");
        assertThatThrownBy(() -> start(name)).hasMessageEndingWith("queues[0]: 'name' is required, a string");
        Path binding = file("bind.yaml", "bindings: [{source: nowhere, destination: q}]\n");
        assertThatThrownBy(() -> start(binding)).hasMessageEndingWith(
                "bindings from 'nowhere' to queue 'q' (routing key ''): no exchange 'nowhere' in vhost '/'");
    }

    @Test
    void aFileThatIsNotYamlIsRefusedBeforeAnythingOpens() throws IOException {
        Path bad = file("bad.yaml", "topics:\n  - name: [unclosed\n");

        assertThatThrownBy(() -> start(bad)).isInstanceOf(StartupException.class)
                .hasMessageStartingWith("definitions " + bad + ": not valid YAML at line");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> start(missing)).isInstanceOf(StartupException.class)
                .hasMessage("definitions " + missing + ": no such file");
    }

    @Test
    void definitionsAreRefusedWithClusterNodes() {
        assertThatThrownBy(() -> TestConfigs.ephemeral(dir, "definitions.file", "defs.yaml",
                "cluster.nodes", "1@127.0.0.1:9999", "node.id", "1"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("definitions.file (from test) cannot be used with cluster.nodes (from test)");
    }

    private static String export(RunningGateway gateway) {
        return new dev.trilog.gateway.definitions.DefinitionsExporter(gateway.engine(),
                gateway.queueLayer().topology(), gateway.definitionSections()).export().toPrettyString();
    }
}
