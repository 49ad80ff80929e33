package dev.trilog.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * sqs.idle-timeout-ms, sqs.max-connections and sqs.max-connections-per-ip over real sockets (issue
 * 18: the SQS port never closed a slow connection, and nothing but the open-files limit capped
 * how many it held).
 */
class SqsServerConnectionLimitsTest {

    private static final Map<String, String> LIST_QUEUES = Map.of("Content-Type", "application/x-amz-json-1.0",
            "X-Amz-Target", "AmazonSQS.ListQueues");
    private static final Map<String, String> LONG_POLL = Map.of("Content-Type", "application/x-amz-json-1.0",
            "X-Amz-Target", "AmazonSQS.ReceiveMessage");
    private static final int LONG_POLL_MS = 1_200;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<RawHttpConnection> connections = new ArrayList<>();
    private SqsServer server;
    private int port;

    private void start(ConnectionLimits limits) throws IOException {
        server = new SqsServer(SqsSettings.local().withConnections(limits), request -> {
            // ReceiveMessage answers late, as a long poll that finds nothing does
            long delayMs = request.action() == SqsAction.RECEIVE_MESSAGE ? LONG_POLL_MS : 0;
            CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS)
                    .execute(() -> answer.complete(JsonNodeFactory.instance.objectNode()));
            return answer;
        }, new SqsMetrics(registry));
        port = server.start().getPort();
    }

    @AfterEach
    void stop() throws IOException {
        for (RawHttpConnection connection : connections) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RawHttpConnection connect() throws IOException {
        RawHttpConnection connection = new RawHttpConnection(port);
        connections.add(connection);
        return connection;
    }

    private static int listQueues(RawHttpConnection connection) throws IOException {
        return connection.post("/", LIST_QUEUES, "{}".getBytes(StandardCharsets.UTF_8)).status();
    }

    private double refused(String limit) {
        var counter = registry.find("trilog.sqs.connections.refused").tag("limit", limit).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void silentAndSlowConnectionsAreClosedAndALongPollIsNot() throws Exception {
        start(ConnectionLimits.idleTimeout(400));
        RawHttpConnection silent = connect();
        RawHttpConnection halfAHead = connect();
        halfAHead.writeRaw("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        RawHttpConnection halfABody = connect();
        halfABody.writeRaw("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                + "X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 10\r\n\r\n{");
        RawHttpConnection keptAlive = connect();
        assertThat(listQueues(keptAlive)).isEqualTo(200);
        RawHttpConnection polling = connect();

        long started = System.nanoTime();
        RawHttpConnection.Response polled = polling.post("/", LONG_POLL, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(polled.status()).as("a long poll three times the time-out is answered").isEqualTo(200);
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(LONG_POLL_MS);

        assertThat(silent.closedByServerWithin(2_000)).as("a connection that never sent a byte").isTrue();
        assertThat(halfAHead.closedByServerWithin(2_000)).as("a request head cut short").isTrue();
        assertThat(halfABody.closedByServerWithin(2_000)).as("a request body cut short").isTrue();
        assertThat(keptAlive.closedByServerWithin(2_000)).as("a kept-alive connection after its request").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqs.max-connections-per-ip", "sqs.max-connections"})
    void oneConnectionOverALimitIsClosedTheOthersGoOnAndACloseMakesRoom(String limit) throws Exception {
        start(limit.equals("sqs.max-connections") ? new ConnectionLimits(0, 2, ConnectionLimits.UNLIMITED)
                : new ConnectionLimits(0, ConnectionLimits.UNLIMITED, 2));
        RawHttpConnection first = connect();
        RawHttpConnection second = connect();
        assertThat(listQueues(first)).isEqualTo(200);
        assertThat(listQueues(second)).isEqualTo(200);

        RawHttpConnection third = connect();

        assertThat(third.closedByServerWithin(2_000)).isTrue();
        assertThat(refused(limit)).isEqualTo(1);
        assertThat(listQueues(first)).isEqualTo(200);
        assertThat(listQueues(second)).isEqualTo(200);

        first.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) { // the server frees first's place once it has seen it close
            try {
                assertThat(listQueues(connect())).isEqualTo(200);
                break;
            } catch (IOException refusedAgain) {
                assertThat(System.nanoTime()).as("a place within 5 s of a close").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }
}
