package dev.trilog.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.frontend.DefinitionException;
import dev.trilog.frontend.DefinitionSection;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.sqs.protocol.SqsAction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sqsQueues} list of the start-up definitions, through CreateQueue's own path and rules. */
class SqsQueueDefinitionsTest {

    @TempDir
    Path dataDir;
    SqsActionsFixture sqs;
    DefinitionSection section;

    @BeforeEach
    void open() throws Exception {
        sqs = new SqsActionsFixture(dataDir);
        section = sqs.actions.definitions();
    }

    @AfterEach
    void close() throws Exception {
        sqs.close();
    }

    private static Map<String, Object> queue(String name, Map<String, Object> attributes) {
        return Map.of("name", name, "attributes", attributes);
    }

    @Test
    void aQueueIsCreatedAfterTheDeadLetterQueueItNamesWhereverThatIsListed() {
        int created = section.apply(List.of(
                queue("orders", Map.of("RedrivePolicy", Map.of("deadLetterTargetArn", "orders-dlq", "maxReceiveCount", 5))),
                queue("orders-dlq", Map.of("MessageRetentionPeriod", 1_209_600))));

        assertThat(created).isEqualTo(2);
        QueueSpec orders = sqs.topology.queue("orders").orElseThrow();
        assertThat(orders.maxDeliveryCount()).isEqualTo(5);
        assertThat(orders.deadLetterRoutingKey()).contains("orders-dlq");
        assertThat(section.export()).extracting(e -> e.get("name")).containsExactly("orders", "orders-dlq");
        assertThat(section.owns(orders)).isTrue();
        assertThat(section.owns(QueueSpec.durable("amqp-only"))).isFalse();
    }

    @Test
    void aQueueMadeThroughTheApiMatchesItsDefinition() {
        sqs.call(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"jobs\",\"Attributes\":{\"VisibilityTimeout\":\"45\"},"
                + "\"tags\":{\"team\":\"a\"}}");

        assertThat(section.apply(List.of(Map.of("name", "jobs", "attributes", Map.of("VisibilityTimeout", 45),
                "tags", Map.of("team", "b"))))).isZero();
        assertThat(section.export().get(0).get("tags")).isEqualTo(Map.of("team", "a"));
    }

    @Test
    void fifoFlagsMayBeBooleansAndTheTypesOfQueuesMustMatch() {
        section.apply(List.of(queue("tasks.fifo", Map.of("FifoQueue", true, "ContentBasedDeduplication", true))));
        assertThat(sqs.topology.queue("tasks.fifo").orElseThrow().contentBasedDeduplication()).isTrue();

        assertThatThrownBy(() -> section.apply(List.of(queue("plain",
                Map.of("RedrivePolicy", Map.of("deadLetterTargetArn", "tasks.fifo", "maxReceiveCount", 1))))))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("sqsQueues 'plain': Value {")
                .hasMessageEndingWith("Reason: Dead-letter queue must be same type of queue as the source.");
    }

    @Test
    void deadLetterQueuesNamingEachOtherFailOnTheFirst() {
        assertThatThrownBy(() -> section.apply(List.of(
                queue("a", Map.of("RedrivePolicy", Map.of("deadLetterTargetArn", "b", "maxReceiveCount", 1))),
                queue("b", Map.of("RedrivePolicy", Map.of("deadLetterTargetArn", "a", "maxReceiveCount", 1))))))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("sqsQueues 'a': ")
                .hasMessageEndingWith("Reason: Dead letter target does not exist.");
    }

    @Test
    void valuesOfTheWrongShapeAreNamed() {
        assertThatThrownBy(() -> section.apply(List.of(queue("q", Map.of("DelaySeconds", List.of(1))))))
                .hasMessage("sqsQueues 'q': attribute DelaySeconds must be a string, a number, a boolean or (for a"
                        + " policy) an object");
        assertThatThrownBy(() -> section.apply(List.of(Map.of("name", "q", "attributes", "x"))))
                .hasMessage("sqsQueues 'q': attributes must be a map of names to values");
        assertThatThrownBy(() -> section.apply(List.of(queue("q", Map.of("Colour", "blue")))))
                .hasMessage("sqsQueues 'q': Unknown Attribute Colour.");
        assertThatThrownBy(() -> section.apply(List.of(queue("bad name", Map.of()))))
                .hasMessageStartingWith("sqsQueues 'bad name': Can only include alphanumeric characters");
    }
}
