package dev.trilog.compat.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.trilog.compat.TrilogHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A Kafka admin cannot delete the topic that holds a queue's messages (SQS or AMQP): that left a
 * ghost queue, listed everywhere, answering nothing, and recreated at the next start. DeleteTopics
 * answers POLICY_VIOLATION naming the queue; the queue keeps working, across a restart; deleting
 * the queue deletes its topic, which Kafka then no longer lists.
 */
class QueueTopicDeletionTest {

    @TempDir
    Path dataDir;

    @Test
    void theTopicOfAnSqsOrAmqpQueueIsNotDeletedUnderIt() throws Exception {
        try (TrilogHarness trilog = TrilogHarness.start(dataDir)) {
            try (SqsClient sqs = SqsClients.sync(trilog)) {
                String url = sqs.createQueue(b -> b.queueName("orders")).queueUrl();
                sqs.sendMessage(b -> b.queueUrl(url).messageBody("kept"));
            }
            try (Connection amqp = factory(trilog).newConnection(); Channel channel = amqp.createChannel()) {
                channel.queueDeclare("invoices", true, false, false, null);
                channel.confirmSelect();
                channel.basicPublish("", "invoices", null, "kept too".getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(5_000);
            }

            try (Admin admin = admin(trilog)) {
                for (String queue : List.of("orders", "invoices")) {
                    assertThatThrownBy(() -> admin.deleteTopics(List.of(queue)).all().get(10, TimeUnit.SECONDS))
                            .isInstanceOf(ExecutionException.class).cause()
                            .isInstanceOf(PolicyViolationException.class)
                            .hasMessageContaining("queue '" + queue + "'");
                }
                assertThat(admin.listTopics().names().get()).contains("orders", "invoices");
            }

            trilog.restart();
            try (SqsClient sqs = SqsClients.sync(trilog)) {
                String url = sqs.getQueueUrl(b -> b.queueName("orders")).queueUrl();
                assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages())
                        .extracting(m -> m.body()).containsExactly("kept");
                sqs.deleteQueue(b -> b.queueUrl(url));
            }
            try (Connection amqp = factory(trilog).newConnection(); Channel channel = amqp.createChannel()) {
                var got = channel.basicGet("invoices", true);
                assertThat(got).isNotNull();
                assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("kept too");
                channel.queueDelete("invoices");
            }
            try (Admin admin = admin(trilog)) {
                assertThat(admin.listTopics().names().get()).doesNotContain("orders", "invoices");
            }
        }
    }

    private static ConnectionFactory factory(TrilogHarness trilog) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(trilog.amqpPort());
        return factory;
    }

    private static Admin admin(TrilogHarness trilog) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap()));
    }
}
