package dev.trilog.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trilog.amqp.v091.Amqp091Context;
import dev.trilog.amqp.v091.Amqp091Settings;
import dev.trilog.amqp.v10.AmqpBroker;
import dev.trilog.amqp.v10.ConsumerCounts;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import dev.trilog.testsupport.LoggedFailures;
import dev.trilog.testsupport.PeerReads;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target for the AMQP port as a client meets it: the pipeline {@link AmqpServer} gives every
 * connection (the protocol-header sniffer, then proton-j's transport and {@code ProtonConnection}
 * for AMQP 1.0, with or without SASL, or the 0-9-1 codec and connection), over a real engine.
 * Whatever the client sends, nothing escapes the pipeline and nothing is logged as an internal
 * error: the connection answers with the protocol's own error and closes, or carries on; every
 * byte read is released. The 1.0 broker's declare and stream work and the 0-9-1 topology work
 * run on the caller's thread here, so an input's effects are over when it returns and no other
 * thread touches the embedded channel's (single-threaded) event loop.
 */
class AmqpPortFuzzTest {

    @TempDir
    static Path dataDir;
    private static final LoggedFailures FAILURES = LoggedFailures.capture();
    private static LogEngine engine;
    private static Queues queues;
    private static AmqpBroker broker;
    private static Amqp091Context amqp091;

    @BeforeAll
    static void open() throws IOException {
        FAILURES.forget(); // what earlier test classes of this JVM logged
        engine = LogEngine.open(EngineSettings.of(dataDir));
        Topology topology = Topology.open(engine);
        queues = Queues.open(engine, topology, QueuesSettings.defaults());
        AmqpMetrics metrics = AmqpMetrics.detached();
        broker = new AmqpBroker(AmqpSettings.defaults(), engine, queues, topology, metrics, Runnable::run,
                Runnable::run, new ConsumerCounts(), dev.trilog.frontend.auth.PasswordLogins.anyone(),
                dev.trilog.frontend.auth.VhostStore.open(engine));
        amqp091 = Amqp091Context.create(engine, queues, topology, new SimpleMeterRegistry(),
                Amqp091Settings.defaults(), Clock.systemUTC(), dev.trilog.frontend.auth.PasswordLogins.anyone(),
                new CallerRuns());
    }

    @AfterAll
    static void close() throws IOException {
        amqp091.close();
        queues.close();
        engine.close();
    }

    /**
     * Runs the 0-9-1 topology work on the thread that asks for it. On its own thread, that work
     * posts its completion into the {@link EmbeddedChannel}'s event loop, whose task queue is a
     * plain {@code ArrayDeque}: racing the target's own close of the channel, it could lose a
     * task — the channel-inactive one, after which the frame decoder never releases the read it
     * holds (the open finding of docs/fuzzing.md, {@code found-held-read-after-a-declare-and-a-cut-header}).
     */
    private static final class CallerRuns extends java.util.concurrent.AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public java.util.List<Runnable> shutdownNow() {
            return java.util.List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
            return true;
        }
    }

    @Test
    void beginAndAttachBeforeTheOpenCloseTheConnectionWithIllegalState() {
        // found-begin-and-attach-before-open, cut to its first frames: the AMQP 1.0 header, a begin,
        // then an attach of a sender to /queues/fuzz, and no open
        byte[] input = HexFormat.of().parseHex("414d5150000100000000002002000000005311c0130540520170"
                + "7fffffff707fffffff700000ffff00000039020000000053"
                + "12c02c0aa108746f2d7175657565434250025000005328450053"
                + "29c00f01a10c2f7175657565732f66757a7a404243");
        EmbeddedChannel channel = new EmbeddedChannel(AmqpServer.sniffer(broker, amqp091, 0));
        PeerReads reads = PeerReads.feed(channel, input, input.length);
        channel.runPendingTasks();
        byte[] answer = PeerReads.written(channel);
        channel.finishAndReleaseAll();
        reads.assertReleased();
        FAILURES.throwFirst();

        assertThat(closeConditionIn(answer).toString()).isEqualTo("amqp:illegal-state");
    }

    /** The error of the close the broker wrote, as a proton-j client reads it. */
    private static Symbol closeConditionIn(byte[] answer) {
        Transport client = Transport.Factory.create();
        Connection connection = Connection.Factory.create();
        client.bind(connection);
        for (int at = 0; at < answer.length; ) {
            int n = Math.min(client.capacity(), answer.length - at);
            client.tail().put(answer, at, n);
            client.process();
            at += n;
        }
        assertThat(connection.getRemoteState()).as("closed by the broker").isEqualTo(EndpointState.CLOSED);
        return connection.getRemoteCondition().getCondition();
    }

    @FuzzTest
    void connection(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(AmqpServer.sniffer(broker, amqp091, 0));
        PeerReads reads = PeerReads.feed(channel, input, input.length);
        channel.runPendingTasks();
        PeerReads.written(channel);
        channel.finishAndReleaseAll();
        reads.assertReleased();
        FAILURES.throwFirst();
    }
}
