package dev.trilog.compat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.trilog.compat.TrilogCluster;
import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * AMQP and SQS clients on any node of a three-node cluster (docs/replication.md): each node relays
 * their connections to the leader, which alone serves the queues; when it stops, the next leader
 * takes the queues over from the replicated state — what was acknowledged or deleted stays gone,
 * everything else is delivered.
 */
class ReplicatedQueuesTest {

    @TempDir
    Path dir;
    TrilogCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void sqsClientsOnAnyNodeShareOneQueueAndDeletedMessagesStayDeletedAcrossAFailover() throws Exception {
        cluster = TrilogCluster.start(dir);
        int leader = cluster.queueLeaderIndex();
        TrilogHarness first = cluster.node((leader + 1) % 3);
        TrilogHarness second = cluster.node((leader + 2) % 3);
        Set<String> deleted = new HashSet<>();
        Set<String> kept = new HashSet<>();
        try (SqsClient onFirst = SqsClients.sync(first); SqsClient onSecond = SqsClients.sync(second)) {
            String url = onFirst.createQueue(b -> b.queueName("orders")
                    .attributes(java.util.Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
            for (int i = 0; i < 30; i++) {
                String body = "order-" + i;
                onSecond.sendMessage(b -> b.queueUrl(url).messageBody(body));
            }
            // received through one node, deleted through the other: one queue, served by the leader
            List<Message> taken = new ArrayList<>();
            while (taken.size() < 10) {
                int want = 10 - taken.size();
                taken.addAll(onFirst.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(want)
                        .waitTimeSeconds(1)).messages());
            }
            for (Message m : taken) {
                onSecond.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                deleted.add(m.body());
            }
            // received and not deleted: back once the visibility timeout runs out, on whichever node leads
            Message held = onFirst.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(1))
                    .messages().get(0);
            assertThat(deleted).doesNotContain(held.body());

            cluster.stop(leader);
            long stoppedAt = System.nanoTime();

            TrilogHarness survivor = cluster.node((leader + 1) % 3);
            try (SqsClient onSurvivor = SqsClients.sync(survivor)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                boolean firstAnswer = true;
                while (kept.size() < 20 && System.nanoTime() < deadline) {
                    List<Message> got = retrying(() -> onSurvivor.receiveMessage(b -> b.queueUrl(url)
                            .maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
                    if (firstAnswer) {
                        System.out.printf("replication failover: the first SQS answer after the leader stopped "
                                + "came %d ms later%n", (System.nanoTime() - stoppedAt) / 1_000_000);
                        firstAnswer = false;
                    }
                    for (Message m : got) {
                        assertThat(deleted).as("a message deleted before the failover came back").doesNotContain(m.body());
                        kept.add(m.body());
                        retrying(() -> onSurvivor.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
                    }
                }
                assertThat(kept).as("every message not deleted, the held one included").hasSize(20)
                        .contains(held.body());
                // and the deletions made through the survivor hold on the node serving now
                assertThat(retrying(() -> onSurvivor.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                        .waitTimeSeconds(2)).messages())).isEmpty();
            }
        }
    }

    @Test
    void rabbitMqClientsOnFollowersAreServedByTheLeaderAndItsSuccessor() throws Exception {
        cluster = TrilogCluster.start(dir);
        int leader = cluster.queueLeaderIndex();
        for (TrilogHarness node : cluster.nodes()) { // a leader is known everywhere, and it serves the queues
            TrilogCluster.await("every node ready", () -> ready(node) == 200);
        }
        TrilogHarness follower = cluster.node((leader + 1) % 3);
        try (Connection connection = factory(follower).newConnection()) {
            Channel channel = connection.createChannel();
            channel.queueDeclare("invoices", true, false, false, null);
            channel.confirmSelect();
            for (int i = 0; i < 10; i++) {
                channel.basicPublish("", "invoices", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("invoice-" + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
            for (int i = 0; i < 4; i++) {
                GetResponse got = channel.basicGet("invoices", false);
                assertThat(body(got)).isEqualTo("invoice-" + i);
                channel.basicAck(got.getEnvelope().getDeliveryTag(), false);
            }
            GetResponse unacked = channel.basicGet("invoices", false); // goes back when the connection ends
            assertThat(body(unacked)).isEqualTo("invoice-4");
            channel.close(); // ends after the acks: they are settled
        }

        cluster.stop(leader);
        int next = cluster.queueLeaderIndex();
        TrilogHarness other = cluster.node(next == (leader + 1) % 3 ? (leader + 2) % 3 : (leader + 1) % 3);
        List<String> rest = new ArrayList<>();
        try (Connection connection = factory(other).newConnection()) {
            Channel channel = connection.createChannel();
            assertThat(channel.queueDeclarePassive("invoices").getMessageCount()).isEqualTo(6);
            for (GetResponse got; (got = channel.basicGet("invoices", true)) != null; ) {
                rest.add(body(got));
            }
        }
        assertThat(rest).containsExactly("invoice-4", "invoice-5", "invoice-6", "invoice-7", "invoice-8",
                "invoice-9");
    }

    private static int ready(TrilogHarness node) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + node.gateway().listener("admin").boundAddress().getPort() + "/health/ready"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException | InterruptedException e) {
            return -1;
        }
    }

    private static ConnectionFactory factory(TrilogHarness node) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(node.amqpPort());
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    private static String body(GetResponse response) {
        assertThat(response).as("a message").isNotNull();
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    /** Calls {@code call} until it answers: during an election a node closes connections it cannot relay. */
    private static <T> T retrying(Callable<T> call) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return call.call();
            } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void retrying(Runnable call) throws Exception {
        retrying(() -> {
            call.run();
            return null;
        });
    }
}
