package dev.trilog.sqs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import dev.trilog.sqs.action.SqsActions;
import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.testsupport.TestClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The SQS action table as {@link SqsFrontend} builds it, over an engine, topology and queue
 * facade on a temp directory, without HTTP: requests go in as the JSON request shape. The
 * engine's clock stands still until {@link #advance} moves it, and {@link #restart} reopens
 * everything from disk.
 */
public final class SqsActionsFixture implements AutoCloseable {

    public static final String HOST = "sqs.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private final long longPollTickMs;
    private final TestClock clock = TestClock.frozenAt(1_750_000_000_000L);
    LogEngine engine;
    Topology topology;
    Queues queues;
    SqsActions actions;

    public SqsActionsFixture(Path dataDir) throws IOException {
        this(dataDir, true, 20);
    }

    /**
     * With the facade's periodic look every {@code longPollTickMs}: a long one leaves only appends
     * to wake long polls, and only the real-time timer to end them.
     */
    static SqsActionsFixture withLongPollTick(Path dataDir, long longPollTickMs) throws IOException {
        return new SqsActionsFixture(dataDir, true, longPollTickMs);
    }

    /** The engine, its topology and queues, without the SQS frontend (to lay out data by hand first). */
    static SqsActionsFixture engineOnly(Path dataDir) throws IOException {
        return new SqsActionsFixture(dataDir, false, 20);
    }

    private SqsActionsFixture(Path dataDir, boolean withSqs, long longPollTickMs) throws IOException {
        this.dataDir = dataDir;
        this.longPollTickMs = longPollTickMs;
        openEngine();
        if (withSqs) {
            openSqs();
        }
    }

    private void openEngine() throws IOException {
        engine = LogEngine.open(EngineSettings.of(dataDir).withClock(clock));
        topology = Topology.open(engine);
        queues = Queues.open(engine, topology, QueuesSettings.defaults().withLongPollTickMs(longPollTickMs));
    }

    void openSqs() throws IOException {
        actions = SqsFrontend.actions(SqsSettings.local(), engine, topology, queues);
    }

    /** The action table, to hand requests decoded elsewhere (the protocol's fuzz target). */
    public SqsActions actions() {
        return actions;
    }

    long nowMillis() {
        return clock.millis();
    }

    void advance(Duration duration) {
        clock.advance(duration);
    }

    public String url(String queue) {
        return "http://" + HOST + "/" + SqsSettings.DEFAULT_ACCOUNT_ID + "/" + queue;
    }

    /** Sends a request and waits for its answer (at most 5 s of real time). */
    public ObjectNode call(SqsAction action, String json) {
        try {
            return start(action, json).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable failure = e instanceof ExecutionException ? e.getCause() : e;
            if (SqsException.unwrap(failure) instanceof SqsException sqs) {
                throw sqs;
            }
            throw new AssertionError(action + " failed", e);
        }
    }

    /** Sends a request without waiting for its answer (a long poll). */
    CompletableFuture<ObjectNode> start(SqsAction action, String json) {
        ObjectNode params;
        try {
            params = (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return actions.handle(new SqsRequest(action, new SqsParams(params), HOST, "test")).toCompletableFuture();
    }

    /** The error code a request is answered with. */
    SqsError error(SqsAction action, String json) {
        try {
            call(action, json);
        } catch (SqsException e) {
            return e.error();
        }
        throw new AssertionError(action + " succeeded");
    }

    /** Closes everything and opens it again from disk. */
    void restart() throws IOException {
        close();
        openEngine();
        openSqs();
    }

    @Override
    public void close() throws IOException {
        if (actions != null) {
            actions.close();
            actions = null;
        }
        queues.close();
        engine.close();
    }
}
