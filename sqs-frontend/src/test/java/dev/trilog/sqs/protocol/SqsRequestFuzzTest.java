package dev.trilog.sqs.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.SqsActionsFixture;
import dev.trilog.testsupport.LoggedFailures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target for an SQS request from the HTTP request's parts ({@link SqsRequestDecoder}, both
 * wire protocols) through the actions over a real engine, to the answer written in the protocol.
 * Whatever the client sends, it is answered: with a result that writes as JSON and as Query XML,
 * or with an {@link SqsException} that is the protocol's own word for what is wrong — never
 * {@code InternalError}, never another exception, never an internal error logged.
 *
 * <p>An input is a request in a small text form, so the corpus reads as requests: the first line
 * is the {@code X-Amz-Target} of a JSON request ({@code AmazonSQS.SendMessage}), or, starting
 * with {@code /}, the path and query string of a Query POST; the rest is the body. The queues
 * {@code fuzz} and {@code fuzz.fifo} exist; long polls are answered at once, as when the server
 * shuts down (the engine's clock stands still, so they would otherwise never end).
 */
class SqsRequestFuzzTest {

    /** Not a time limit on the answer: what ends the run should an action never answer. */
    private static final long HUNG_MINUTES = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SqsRequestDecoder DECODER = new SqsRequestDecoder(JSON);
    private static final LoggedFailures FAILURES = LoggedFailures.capture();
    @TempDir
    static Path dataDir;
    private static SqsActionsFixture sqs;

    @BeforeAll
    static void openSqs() throws IOException {
        FAILURES.forget(); // what earlier test classes of this JVM logged
        sqs = new SqsActionsFixture(dataDir);
        sqs.call(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"fuzz\"}");
        sqs.call(SqsAction.CREATE_QUEUE, "{\"QueueName\":\"fuzz.fifo\",\"Attributes\":{\"FifoQueue\":\"true\"}}");
        sqs.actions().endLongPolls();
    }

    @AfterAll
    static void closeSqs() throws IOException {
        sqs.close();
    }

    @FuzzTest
    void request(byte[] input) throws Exception {
        int newline = indexOf(input, (byte) '\n');
        String first = new String(input, 0, newline, StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOfRange(input, Math.min(newline + 1, input.length), input.length);
        try {
            answer(decode(first, body));
        } catch (SqsException refused) {
            assertThat(refused.error()).as(refused.getMessage()).isNotEqualTo(SqsError.INTERNAL_ERROR);
        }
        FAILURES.throwFirst();
    }

    private static SqsRequest decode(String first, byte[] body) {
        if (!first.startsWith("/")) {
            return DECODER.decodeJson(first, body, SqsActionsFixture.HOST, "fuzz", ForkJoinPool.commonPool());
        }
        int query = first.indexOf('?');
        String path = query < 0 ? first : first.substring(0, query);
        return DECODER.decodeQuery(query < 0 ? "" : first.substring(query + 1), true, body, path,
                SqsActionsFixture.HOST, "fuzz", ForkJoinPool.commonPool());
    }

    private static void answer(SqsRequest request) throws Exception {
        CompletableFuture<ObjectNode> answer = sqs.actions().handle(request).toCompletableFuture();
        ObjectNode result;
        try {
            result = answer.get(HUNG_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw SqsException.unwrap(e.getCause()) instanceof SqsException refused ? refused : e;
        }
        JSON.writeValueAsBytes(result);
        XmlResponses.result(request.action(), result, "fuzz");
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return bytes.length;
    }
}
