package dev.trilog.compat.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The broker's partition bound ({@code log.max.partitions}) as each protocol's client meets it:
 * a queue with no room is refused with the protocol's "over a limit" answer, the client's
 * connection and every other one keep working, and what exists is untouched. (Kafka's side,
 * CreateTopics and CreatePartitions, is in {@code AdminTopicsTest}.)
 */
class PartitionLimitTest {

    @TempDir
    Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() {
        trilog = TrilogHarness.start(dataDir, "log.max.partitions", "3");
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    @Test
    void aQueueWithNoRoomIsRefusedByEveryProtocolAndNothingElseIsTouched() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic("two", 2, (short) 1))).all().get();
        }
        try (SqsClient sqs = SqsClients.sync(trilog)) {
            String url = sqs.createQueue(b -> b.queueName("last-one")).queueUrl(); // the third partition
            assertThatThrownBy(() -> sqs.createQueue(b -> b.queueName("no-room")))
                    .isInstanceOfSatisfying(SqsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("OverLimit");
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorMessage()).contains("log.max.partitions");
                    });
            assertThat(sqs.listQueues().queueUrls()).containsExactly(url);
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("still served"));

            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost("127.0.0.1");
            factory.setPort(trilog.amqpPort());
            try (Connection connection = factory.newConnection()) {
                Channel refused = connection.createChannel();
                assertThatThrownBy(() -> refused.queueDeclare("no-room-either", true, false, false, null))
                        .isInstanceOf(IOException.class)
                        .cause().isInstanceOfSatisfying(ShutdownSignalException.class, e -> {
                            AMQP.Channel.Close close = (AMQP.Channel.Close) e.getReason();
                            assertThat(close.getReplyCode()).isEqualTo(406); // RabbitMQ's answer to its queue limit
                            assertThat(close.getReplyText()).contains("log.max.partitions");
                        });
                assertThat(connection.isOpen()).as("a channel error, not a connection error").isTrue();
                Channel channel = connection.createChannel();
                assertThat(channel.queueDeclarePassive("last-one").getMessageCount()).isEqualTo(1);
                assertThatThrownBy(() -> connection.createChannel().queueDeclarePassive("no-room-either"))
                        .as("nothing was left of the refused declaration").isInstanceOf(IOException.class);
            }
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).extracting(m -> m.body())
                    .containsExactly("still served");
        }
    }
}
