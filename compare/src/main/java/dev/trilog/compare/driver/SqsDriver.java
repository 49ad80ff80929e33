package dev.trilog.compare.driver;

import dev.trilog.compare.broker.Broker;
import dev.trilog.compare.workload.Workload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.util.VersionInfo;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * SQS through aws-sdk-java-v2's {@link SqsClient} (AWS JSON 1.0, the SDK's default; Apache HTTP
 * client): SendMessageBatch in, ReceiveMessage with long polling out, then DeleteMessageBatch. SQS
 * has no fan-out of its own (that is SNS), so a workload with several readers gets one queue per
 * reader and each message is sent to every queue, as an SQS user would have to.
 */
public final class SqsDriver implements Driver {

    private final SqsClient sqs;

    public SqsDriver(Broker broker) {
        this.sqs = SqsClient.builder()
                .endpointOverride(broker.sqsEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("compare", "compare")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128))
                .build();
    }

    SqsClient sqsClient() {
        return sqs;
    }

    @Override
    public String protocol() {
        return "sqs";
    }

    @Override
    public String client() {
        return "aws-sdk-java-v2 " + VersionInfo.SDK_VERSION + " (SqsClient, Apache HTTP)";
    }

    @Override
    public Topology prepare(Workload workload, String id) {
        List<String> urls = new ArrayList<>();
        for (int r = 0; r < workload.readers(); r++) {
            urls.add(createQueue(id + "-q" + r, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT,
                    Integer.toString(workload.sqs().visibilityTimeoutSeconds()))));
        }
        return new Topology(id, workload, urls, urls);
    }

    String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    @Override
    public Publisher publisher(Topology topology, int index) {
        return new SqsPublisher(sqs, topology.destinations(), topology.workload().sqs().sendBatch());
    }

    @Override
    public Subscriber subscriber(Topology topology, int reader, int index) {
        return new SqsSubscriber(sqs, topology.sources().get(reader), topology.workload().sqs());
    }

    @Override
    public void cleanup(Topology topology) {
        for (String url : topology.destinations()) {
            try {
                sqs.deleteQueue(b -> b.queueUrl(url));
            } catch (RuntimeException e) {
                // left behind in the temporary data directory
            }
        }
    }

    @Override
    public SemanticsProbe semantics() {
        return new SqsSemantics(this);
    }

    @Override
    public void close() {
        sqs.close();
    }

    static String text(byte[] body) {
        return new String(body, StandardCharsets.US_ASCII);
    }

    /** SendMessageBatch of up to {@code batch} entries, to every destination queue in turn. */
    private static final class SqsPublisher implements Publisher {
        private final SqsClient sqs;
        private final List<String> queues;
        private final int batch;

        SqsPublisher(SqsClient sqs, List<String> queues, int batch) {
            this.sqs = sqs;
            this.queues = queues;
            this.batch = batch;
        }

        @Override
        public int maxBatch() {
            return batch;
        }

        @Override
        public void publish(List<byte[]> bodies, Acks acks) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(bodies.size());
            for (int i = 0; i < bodies.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(text(bodies.get(i))).build());
            }
            Throwable[] errors = new Throwable[bodies.size()];
            for (String queue : queues) {
                try {
                    SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
                    for (BatchResultErrorEntry failed : response.failed()) {
                        errors[Integer.parseInt(failed.id())] = new IllegalStateException(failed.code() + ": " + failed.message());
                    }
                } catch (RuntimeException e) {
                    java.util.Arrays.fill(errors, e);
                }
            }
            for (int i = 0; i < bodies.size(); i++) {
                acks.done(i, errors[i]);
            }
        }

        @Override
        public void flush(Duration timeout) {
            // every publish call is synchronous
        }

        @Override
        public void close() {
        }
    }

    /** ReceiveMessage (long polling), hand over, DeleteMessageBatch. */
    private static final class SqsSubscriber implements Subscriber {
        private final SqsClient sqs;
        private final String queue;
        private final Workload.SqsSettings settings;

        SqsSubscriber(SqsClient sqs, String queue, Workload.SqsSettings settings) {
            this.sqs = sqs;
            this.queue = queue;
            this.settings = settings;
        }

        @Override
        public void awaitReady(Duration timeout) {
            // a queue is there once created; nothing to join
        }

        @Override
        public int poll(Duration timeout, Sink sink) {
            // the workload's long poll, even past the engine's timeout: that is how an SQS consumer waits
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queue)
                    .maxNumberOfMessages(settings.receiveBatch()).waitTimeSeconds(settings.waitTimeSeconds())).messages();
            if (messages.isEmpty()) {
                return 0;
            }
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>(messages.size());
            for (int i = 0; i < messages.size(); i++) {
                Message message = messages.get(i);
                sink.delivered(message.body());
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(message.receiptHandle()).build());
            }
            DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(deletes));
            for (BatchResultErrorEntry failed : deleted.failed()) {
                sink.error(new IllegalStateException("DeleteMessageBatch entry failed: " + failed.code()));
            }
            return messages.size();
        }

        @Override
        public void close() {
        }
    }
}
