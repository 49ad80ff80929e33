package dev.trilog.compat.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import dev.trilog.compat.sqs.SqsClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What {@code --definitions} declares is what real clients see: the topic through Kafka's
 * AdminClient, with its partitions and configs, and the SQS queues through the AWS SDK, with
 * their attributes and redrive policy (docs/definitions.md).
 */
class StartupDefinitionsClientsTest {

    @TempDir
    Path dir;

    @Test
    void kafkaAdminAndTheAwsSdkSeeWhatTheFileDeclares() throws Exception {
        Path definitions = Files.writeString(dir.resolve("defs.yaml"), """
                topics:
                  - name: orders
                    partitions: 3
                    configs: {retention.ms: 3600000}
                sqsQueues:
                  - name: jobs
                    attributes:
                      VisibilityTimeout: 45
                      RedrivePolicy: {deadLetterTargetArn: jobs-dlq, maxReceiveCount: 3}
                  - name: jobs-dlq
                """);
        try (TrilogHarness trilog = TrilogHarness.start(dir.resolve("data"), "definitions.file", definitions.toString());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, trilog.kafkaBootstrap()));
             SqsClient sqs = SqsClients.sync(trilog)) {
            TopicDescription orders = admin.describeTopics(Set.of("orders")).allTopicNames().get().get("orders");
            assertThat(orders.partitions()).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
            Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("3600000");

            assertThat(sqs.listQueues().queueUrls()).hasSize(2).anyMatch(url -> url.endsWith("/jobs"))
                    .anyMatch(url -> url.endsWith("/jobs-dlq"));
            String url = sqs.getQueueUrl(r -> r.queueName("jobs")).queueUrl();
            GetQueueAttributesResponse attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                    .attributeNames(QueueAttributeName.ALL));
            assertThat(attributes.attributes()).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "45");
            assertThat(attributes.attributes().get(QueueAttributeName.REDRIVE_POLICY))
                    .contains("arn:aws:sqs:us-east-1:000000000000:jobs-dlq").contains("\"maxReceiveCount\":3");

            // and they work: a message sent over SQS is a record of the queue's topic
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("hello"));
            assertThat(sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(5)).messages())
                    .extracting(m -> m.body()).containsExactly("hello");
        }
    }
}
