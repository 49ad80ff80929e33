package dev.trilog.amqp.v091;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import dev.trilog.amqp.v091.codec.Frame;
import dev.trilog.amqp.v091.codec.FrameDecoder;
import dev.trilog.amqp.v091.codec.FrameEncoder;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.queue.QueueDelivery;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.queue.Subscription;
import dev.trilog.routing.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection state machine through an {@link EmbeddedChannel}: the handshake in order, and
 * each way out of order answered with connection.close and its reply code.
 */
class AmqpConnectionTest {

    private static final int PACE_LIMIT = 5;

    @TempDir
    Path dir;
    LogEngine engine;
    Queues queues;
    Topology topology;
    Amqp091Context context;
    EmbeddedChannel channel;

    @BeforeEach
    void open() throws Exception {
        engine = LogEngine.open(EngineSettings.of(dir));
        topology = Topology.open(engine);
        queues = Queues.open(engine, topology, QueuesSettings.defaults().withPaceBacklogMessages(PACE_LIMIT)
                // a consumer that took a message counts as taking for 5 s, not 200 ms: publishing the
                // backlog behind it may take longer than 200 ms on a loaded machine
                .withPaceActiveMs(5_000));
        context = Amqp091Context.create(engine, queues, topology, new SimpleMeterRegistry(), Amqp091Settings.defaults(),
                Clock.systemUTC());
        channel = new EmbeddedChannel();
        Amqp091.install(channel.pipeline(), context);
    }

    @AfterEach
    void close() throws Exception {
        channel.finishAndReleaseAll();
        context.close();
        queues.close();
        engine.close();
    }

    /** What the server wrote since the last call, decoded. */
    List<Frame> written() {
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(0));
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            decoder.writeInbound(b);
        }
        List<Frame> frames = new ArrayList<>();
        Frame f;
        while ((f = decoder.readInbound()) != null) {
            frames.add(f);
        }
        return frames;
    }

    Method onlyMethod() {
        List<Frame> frames = written();
        assertThat(frames).hasSize(1);
        return ((Frame.MethodFrame) frames.get(0)).method();
    }

    void send(int channelNumber, Method method) {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(0));
        encoder.writeOutbound(new Frame.MethodFrame(channelNumber, method));
        ByteBuf b;
        while ((b = encoder.readOutbound()) != null) {
            channel.writeInbound(b);
        }
        channel.runPendingTasks();
    }

    void handshake() {
        assertThat(onlyMethod()).isInstanceOf(AMQP.Connection.Start.class);
        send(0, new AMQP.Connection.StartOk.Builder().mechanism("PLAIN").response("\0u\0p")
                .clientProperties(Map.of("capabilities", Map.of("connection.blocked", true))).build());
        AMQP.Connection.Tune tune = (AMQP.Connection.Tune) onlyMethod();
        assertThat(tune.getFrameMax()).isEqualTo(131_072);
        assertThat(tune.getChannelMax()).isEqualTo(2047);
        assertThat(tune.getHeartbeat()).isEqualTo(60);
        send(0, new AMQP.Connection.TuneOk.Builder().frameMax(65_536).channelMax(10).heartbeat(0).build());
        assertThat(written()).isEmpty();
        send(0, new AMQP.Connection.Open.Builder().virtualHost("/").build());
        assertThat(onlyMethod()).isInstanceOf(AMQP.Connection.OpenOk.class);
    }

    int closeCode() {
        Method m = onlyMethod();
        assertThat(m).isInstanceOf(AMQP.Connection.Close.class);
        return ((AMQP.Connection.Close) m).getReplyCode();
    }

    @Test
    void theHandshakeOpensTheConnectionAndAChannel() {
        handshake();
        send(1, new AMQP.Channel.Open.Builder().build());
        assertThat(onlyMethod()).isInstanceOf(AMQP.Channel.OpenOk.class);
        send(1, new AMQP.Channel.Close.Builder().replyCode(200).replyText("bye").build());
        assertThat(onlyMethod()).isInstanceOf(AMQP.Channel.CloseOk.class);
        send(0, new AMQP.Connection.Close.Builder().replyCode(200).replyText("bye").build());
        assertThat(onlyMethod()).isInstanceOf(AMQP.Connection.CloseOk.class);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aMethodOutOfOrderInTheHandshakeIs503() {
        written();
        send(0, new AMQP.Connection.Open.Builder().virtualHost("/").build());
        assertThat(closeCode()).isEqualTo(503);
    }

    @Test
    void anUnknownMechanismIs403() {
        written();
        send(0, new AMQP.Connection.StartOk.Builder().mechanism("EXTERNAL").response("").build());
        assertThat(closeCode()).isEqualTo(403);
    }

    @Test
    void aFrameMaxOverTheServersIs530() {
        written();
        send(0, new AMQP.Connection.StartOk.Builder().mechanism("AMQPLAIN").response("").build());
        written();
        send(0, new AMQP.Connection.TuneOk.Builder().frameMax(1 << 20).channelMax(0).heartbeat(0).build());
        assertThat(closeCode()).isEqualTo(530);
    }

    @Test
    void anotherVirtualHostIs530() {
        written();
        send(0, new AMQP.Connection.StartOk.Builder().mechanism("PLAIN").response("\0u\0p").build());
        written();
        send(0, new AMQP.Connection.TuneOk.Builder().frameMax(0).channelMax(0).heartbeat(0).build());
        send(0, new AMQP.Connection.Open.Builder().virtualHost("/other").build());
        assertThat(closeCode()).isEqualTo(530);
    }

    @Test
    void aChannelNotOpenedIs504() {
        handshake();
        send(1, new AMQP.Queue.Declare.Builder().queue("q").build());
        assertThat(closeCode()).isEqualTo(504);
    }

    @Test
    void aChannelOverChannelMaxIs504() {
        handshake();
        send(11, new AMQP.Channel.Open.Builder().build()); // tune-ok said 10
        assertThat(closeCode()).isEqualTo(504);
    }

    @Test
    void aConnectionMethodOnAChannelIs503() {
        handshake();
        send(1, new AMQP.Channel.Open.Builder().build());
        written();
        send(1, new AMQP.Connection.Open.Builder().virtualHost("/").build());
        assertThat(closeCode()).isEqualTo(503);
    }

    @Test
    void aContentHeaderWithoutPublishIs505() {
        handshake();
        send(1, new AMQP.Channel.Open.Builder().build());
        written();
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(0));
        encoder.writeOutbound(new Frame.HeaderFrame(1, 60, 0, new AMQP.BasicProperties()));
        channel.writeInbound((ByteBuf) encoder.readOutbound());
        assertThat(closeCode()).isEqualTo(505);
    }

    @Test
    void aHeartbeatOnAChannelIs501() {
        handshake();
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(0));
        encoder.writeOutbound(new Frame.Heartbeat(3));
        channel.writeInbound((ByteBuf) encoder.readOutbound());
        assertThat(closeCode()).isEqualTo(501);
    }

    @Test
    void afterConnectionCloseOnlyCloseOkMatters() {
        handshake();
        send(1, new AMQP.Queue.Declare.Builder().queue("q").build());
        assertThat(closeCode()).isEqualTo(504);
        send(1, new AMQP.Channel.Open.Builder().build());
        assertThat(written()).isEmpty();
        send(0, new AMQP.Connection.CloseOk.Builder().build());
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void channelFlowOffIs540AndQosWithASizeToo() {
        handshake();
        send(1, new AMQP.Channel.Open.Builder().build());
        written();
        send(1, new AMQP.Channel.Flow.Builder().active(true).build());
        assertThat(((AMQP.Channel.FlowOk) onlyMethod()).getActive()).isTrue();
        send(1, new AMQP.Channel.Flow.Builder().active(false).build());
        assertThat(closeCode()).isEqualTo(540);
    }

    /**
     * A content header's body size reserves nothing: the body is kept as its frames arrive (issue
     * 18's memory reserved on a peer's word). Ten channels each announcing the largest body
     * allowed (16 MiB) and sending none of it would otherwise hold 160 MiB of heap.
     */
    @Test
    void anAnnouncedBodySizeReservesNoMemoryUntilTheBodyArrives() {
        handshake();
        int channels = 10; // the channel_max the handshake agreed
        int announced = context.settings.maxMessageBytes();
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(0));
        for (int c = 1; c <= channels; c++) {
            send(c, new AMQP.Channel.Open.Builder().build());
        }
        written();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes(); // EmbeddedChannel runs the connection here
        for (int c = 1; c <= channels; c++) {
            send(c, new AMQP.Basic.Publish.Builder().exchange("").routingKey("jobs").build());
            encoder.writeOutbound(new Frame.HeaderFrame(c, 60, announced, new AMQP.BasicProperties()));
            channel.writeInbound((ByteBuf) encoder.readOutbound());
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(written()).as("no error: every header is valid").isEmpty();
        assertThat(allocated).as("heap allocated for %d headers announcing %d bytes each", channels, announced)
                .isLessThan(announced);
    }

    @Test
    void aBodyInManyFramesArrivesWholeAndOneLongerThanItsHeaderSaidIs505() throws Exception {
        handshake();
        topology.declareQueue(QueueSpec.durable("jobs"));
        List<QueueDelivery> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        queues.subscribe("jobs", "elsewhere", 1, Subscription.CreditMode.PREFETCH, (s, given) -> held.addAll(given));
        send(1, new AMQP.Channel.Open.Builder().build());
        written();
        byte[] body = new byte[200_000];
        new java.util.Random(18).nextBytes(body);
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(0));
        send(1, new AMQP.Basic.Publish.Builder().exchange("").routingKey("jobs").build());
        encoder.writeOutbound(new Frame.HeaderFrame(1, 60, body.length, new AMQP.BasicProperties()));
        for (int at = 0; at < body.length; at += 1000) {
            encoder.writeOutbound(new Frame.BodyFrame(1, Unpooled.wrappedBuffer(body, at, 1000)));
        }
        ByteBuf b;
        while ((b = encoder.readOutbound()) != null) {
            channel.writeInbound(b);
        }
        await(() -> held.size() == 1);
        assertThat(held.get(0).message().bodyBytes()).isEqualTo(body);

        send(1, new AMQP.Basic.Publish.Builder().exchange("").routingKey("jobs").build());
        encoder.writeOutbound(new Frame.HeaderFrame(1, 60, 10, new AMQP.BasicProperties()));
        encoder.writeOutbound(new Frame.BodyFrame(1, Unpooled.wrappedBuffer(new byte[6])));
        encoder.writeOutbound(new Frame.BodyFrame(1, Unpooled.wrappedBuffer(new byte[6])));
        while ((b = encoder.readOutbound()) != null) {
            channel.writeInbound(b);
        }
        assertThat(closeCode()).isEqualTo(505);
    }

    @Test
    void aPublisherIsNotReadFromWhileAQueueItFeedsIsPacedAndIsOnceTheConsumersCatchUp() throws Exception {
        handshake();
        topology.declareQueue(QueueSpec.durable("jobs"));
        List<QueueDelivery> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        Subscription consumer = queues.subscribe("jobs", "elsewhere", 1, Subscription.CreditMode.PREFETCH,
                (s, given) -> held.addAll(given));
        send(1, new AMQP.Channel.Open.Builder().build());
        written();

        publishToJobs(1);
        await(() -> held.size() == 1); // the consumer is taking: it holds one, its prefetch is full
        assertThat(channel.config().isAutoRead()).isTrue();
        publishToJobs(PACE_LIMIT + 1);
        await(() -> !channel.config().isAutoRead());

        consumer.addCredit(100);
        await(() -> channel.config().isAutoRead() && held.size() == PACE_LIMIT + 2);
    }

    private void publishToJobs(int n) {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder(0));
        for (int i = 0; i < n; i++) {
            encoder.writeOutbound(new Frame.Content(1, new AMQP.Basic.Publish.Builder().exchange("").routingKey("jobs")
                    .build(), new AMQP.BasicProperties(), Unpooled.wrappedBuffer(new byte[] {(byte) i})));
        }
        ByteBuf b;
        while ((b = encoder.readOutbound()) != null) {
            channel.writeInbound(b);
        }
    }

    /** Runs the connection's tasks (publish completions, pace checks) until {@code condition} holds. */
    private void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            channel.runPendingTasks();
            channel.runScheduledPendingTasks();
            if (condition.getAsBoolean()) {
                return;
            }
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
