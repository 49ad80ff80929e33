package dev.trilog.compat.soak;

import static dev.trilog.compat.soak.ClientThreads.sleepQuietly;

import dev.trilog.compat.sqs.SqsClients;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An SQS sender and a receiver that deletes what it receives. Promises checked: every message
 * whose SendMessage was answered is received, and none whose DeleteMessage was answered is
 * received again (a message received but not yet deleted may come again after its visibility
 * time-out or a kill: counted, SQS allows it).
 */
final class SqsSoakLoad implements SoakLoad {

    private static final String QUEUE = "soak-sqs";
    /** Short, so a message received before a kill and not deleted comes back within the drain. */
    private static final int VISIBILITY_SECONDS = 5;

    private final SoakBroker broker;
    private final SoakTally tally = new SoakTally("SQS (send; receive + delete)");
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> receivedTimes = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();
    private volatile String queueUrl;
    private final ClientThreads threads = new ClientThreads("sqs", this::send, this::receive);

    SqsSoakLoad(SoakBroker broker) {
        this.broker = broker;
    }

    @Override
    public void start() {
        try (SqsClient sqs = SqsClients.sync(broker.sqsEndpoint())) {
            queueUrl = sqs.createQueue(b -> b.queueName(QUEUE).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT,
                    Integer.toString(VISIBILITY_SECONDS)))).queueUrl();
        }
        threads.start();
    }

    private void send() {
        try (SqsClient sqs = SqsClients.sync(broker.sqsEndpoint())) {
            while (threads.writing()) {
                String body = "s-" + next.getAndIncrement();
                try {
                    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
                    acknowledged.add(body);
                } catch (SdkException brokerGone) {
                    tally.unknownOutcome.incrementAndGet();
                    sleepQuietly(200);
                }
            }
        }
    }

    private void receive() {
        try (SqsClient sqs = SqsClients.sync(broker.sqsEndpoint())) {
            while (threads.reading()) {
                try {
                    for (Message message : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                            .waitTimeSeconds(1)).messages()) {
                        handle(sqs, message);
                    }
                } catch (SdkException brokerGone) {
                    sleepQuietly(200);
                }
            }
        }
    }

    private void handle(SqsClient sqs, Message message) {
        String body = message.body();
        if (deleted.contains(body)) {
            tally.violation("message " + body + " was received again after its DeleteMessage was answered");
        }
        if (receivedTimes.merge(body, 1, Integer::sum) > 1) {
            tally.allowedRepeats.incrementAndGet();
        }
        try {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            deleted.add(body);
        } catch (SdkException brokerGone) {
            // not deleted as far as we know: it may come again, which SQS allows
        }
    }

    @Override
    public void finish(Duration patience) throws Exception {
        threads.drain(acknowledged, deleted, patience);
        tally.checkEveryPromiseRead(acknowledged, receivedTimes, "acknowledged message %s was never received");
    }

    @Override
    public SoakTally tally() {
        return tally;
    }

    @Override
    public void close() throws InterruptedException {
        threads.close();
    }
}
