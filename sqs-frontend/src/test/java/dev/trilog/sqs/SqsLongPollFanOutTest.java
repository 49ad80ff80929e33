package dev.trilog.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.protocol.ActionHandler;
import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many long polls waiting on one queue, over real HTTP: each is answered once, with a message when
 * messages arrive (woken by the append: the facade's periodic look is an hour away here, and the
 * engine's clock stands still, so a poll answered empty would have waited its full 20 s of real
 * time, past this test's patience), and empty when the server stops. No message is given to two
 * polls, and none is locked away by a poll whose answer was empty.
 */
class SqsLongPollFanOutTest {

    private static final int POLLS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    private SqsActionsFixture fixture;
    private SqsServer server;
    private String endpoint;
    private final AtomicInteger receivesHandled = new AtomicInteger();
    private final AtomicInteger endedByStop = new AtomicInteger(-1);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        fixture = SqsActionsFixture.withLongPollTick(dataDir, TimeUnit.HOURS.toMillis(1));
        fixture.call(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"fan\"}");
        ActionHandler counting = new ActionHandler() {
            @Override
            public CompletionStage<ObjectNode> handle(SqsRequest request) {
                CompletionStage<ObjectNode> answer = fixture.actions.handle(request);
                if (request.action() == SqsAction.RECEIVE_MESSAGE) {
                    receivesHandled.incrementAndGet();
                }
                return answer;
            }

            @Override
            public int endLongPolls() {
                int ended = fixture.actions.endLongPolls();
                endedByStop.set(ended);
                return ended;
            }
        };
        server = new SqsServer(SqsSettings.local(), counting);
        endpoint = "http://127.0.0.1:" + server.start().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        fixture.close();
    }

    @Test
    void everyWaitingPollIsAnsweredOnceWithItsOwnMessageWhenMessagesArrive() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> polls = startPolls();
        List<String> sent = send(POLLS);

        List<String> received = messageIds(answers(polls));
        assertThat(received).hasSize(POLLS).doesNotHaveDuplicates();
        assertThat(new HashSet<>(received)).isEqualTo(new HashSet<>(sent));
        assertThat(counts()).containsExactly(0, POLLS);
    }

    @Test
    void stoppingTheServerAnswersEveryWaitingPollOnceAndLosesNoMessage() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> polls = startPolls();
        // messages arrive while the server stops: each goes to one poll or stays in the queue
        CompletableFuture<List<String>> sending = CompletableFuture.supplyAsync(() -> send(POLLS / 2));
        server.close();
        List<String> sent = sending.get(10, TimeUnit.SECONDS);

        List<HttpResponse<String>> answers = answers(polls);
        List<String> received = messageIds(answers);
        assertThat(received).doesNotHaveDuplicates().isSubsetOf(sent);
        // every poll was waiting when the stop came, or was answered with a message before it
        assertThat(endedByStop.get() + received.size()).isEqualTo(POLLS);
        // what no poll answered with is visible again at once, not locked until its visibility timeout
        assertThat(counts()).containsExactly(sent.size() - received.size(), received.size());
    }

    /** {@value #POLLS} long polls, each its own connection, returned once every one is waiting. */
    private List<CompletableFuture<HttpResponse<String>>> startPolls() throws InterruptedException {
        String body = "{\"QueueUrl\":\"" + endpoint + "/000000000000/fan\",\"WaitTimeSeconds\":20,"
                + "\"MaxNumberOfMessages\":1,\"VisibilityTimeout\":600}";
        List<CompletableFuture<HttpResponse<String>>> polls = IntStream.range(0, POLLS)
                .mapToObj(i -> http.sendAsync(HttpRequest.newBuilder(URI.create(endpoint + "/"))
                        .header("Content-Type", "application/x-amz-json-1.0")
                        .header("X-Amz-Target", "AmazonSQS.ReceiveMessage")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()))
                .toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receivesHandled.get() < POLLS) {
            assertThat(System.nanoTime()).as("all polls reach the server").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(polls).noneMatch(CompletableFuture::isDone);
        return polls;
    }

    /** Sends {@code n} messages straight to the actions (not through the server, which may be stopping). */
    private List<String> send(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode sent = fixture.call(SqsAction.SEND_MESSAGE,
                    "{\"QueueUrl\":\"" + fixture.url("fan") + "\",\"MessageBody\":\"m" + i + "\"}");
            ids.add(sent.get("MessageId").asText());
        }
        return ids;
    }

    /** Every poll's answer; well inside the polls' own 20 s wait, so an answer by its deadline fails. */
    private static List<HttpResponse<String>> answers(List<CompletableFuture<HttpResponse<String>>> polls)
            throws Exception {
        CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            HttpResponse<String> answer = poll.join();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            answers.add(answer);
        }
        return answers;
    }

    private static List<String> messageIds(List<HttpResponse<String>> answers) throws Exception {
        List<String> ids = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            JsonNode messages = JSON.readTree(answer.body()).path("Messages");
            assertThat(messages.size()).isLessThanOrEqualTo(1);
            messages.forEach(m -> ids.add(m.get("MessageId").asText()));
        }
        return ids;
    }

    /** ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible. */
    private List<Integer> counts() {
        JsonNode attributes = fixture.call(SqsAction.GET_QUEUE_ATTRIBUTES, "{\"QueueUrl\":\"" + fixture.url("fan")
                + "\",\"AttributeNames\":[\"ApproximateNumberOfMessages\",\"ApproximateNumberOfMessagesNotVisible\"]}")
                .get("Attributes");
        return List.of(attributes.get("ApproximateNumberOfMessages").asInt(),
                attributes.get("ApproximateNumberOfMessagesNotVisible").asInt());
    }
}
