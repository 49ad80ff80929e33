package dev.trilog.compat.amqp091;

import static dev.trilog.compat.amqp091.RawAmqp091Client.frame;
import static dev.trilog.compat.amqp091.RawAmqp091Client.shortstr;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw bytes against the 0-9-1 listener: the handshake by hand, then one malformed frame per
 * case, each answered by connection.close with RabbitMQ's reply code — while another client's
 * connection carries on; and a silent client dropped after two missed heartbeats.
 */
class Amqp091WireTest {

    @TempDir
    Path dir;
    Amqp091TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new Amqp091TestServer(dir);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** queue.declare "q", durable, no arguments: a good frame to spoil. */
    byte[] queueDeclare(RawAmqp091Client c) throws IOException {
        return frame(1, 1, c.method(50, 10, args -> {
            args.writeShort(0);
            shortstr(args, "q");
            args.writeByte(0b10); // durable
            args.writeInt(0);
        }));
    }

    /** Sends {@code bytes} on a fresh raw connection and returns the reply code of the close. */
    int closeCodeFor(java.util.function.Function<RawAmqp091Client, byte[]> spoil) throws Exception {
        try (RawAmqp091Client c = new RawAmqp091Client(server.port(), 0)) {
            c.out.write(spoil.apply(c));
            c.out.flush();
            return c.awaitConnectionClose().replyCode();
        }
    }

    byte[] spoiled(RawAmqp091Client c, int index, int value) {
        try {
            byte[] f = queueDeclare(c);
            f[index] = (byte) value;
            return f;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theUnspoiledFrameIsFine() throws Exception {
        try (RawAmqp091Client c = new RawAmqp091Client(server.port(), 0)) {
            c.out.write(queueDeclare(c));
            RawAmqp091Client.Read ok = c.readFrame();
            assertThat(ok.classId()).isEqualTo(50);
            assertThat(ok.methodId()).isEqualTo(11);
        }
    }

    @Test
    void frameEndFlippedIs501() throws Exception {
        assertThat(closeCodeFor(c -> {
            byte[] f = spoiled(c, 0, 1);
            f[f.length - 1] = (byte) 0xCF;
            return f;
        })).isEqualTo(501);
    }

    @Test
    void unknownFrameTypeIs501() throws Exception {
        assertThat(closeCodeFor(c -> spoiled(c, 0, 5))).isEqualTo(501);
    }

    @Test
    void sizeOverFrameMaxIs501() throws Exception {
        assertThat(closeCodeFor(c -> spoiled(c, 3, 0x7f))).isEqualTo(501);
    }

    @Test
    void unknownMethodIs503() throws Exception {
        assertThat(closeCodeFor(c -> spoiled(c, 10, 99))).isEqualTo(503); // method id 10 → 99
    }

    @Test
    void truncatedArgumentsAre502() throws Exception {
        // the queue name's length 1 → 200: the arguments run past the frame
        assertThat(closeCodeFor(c -> spoiled(c, 13, 200))).isEqualTo(502);
    }

    @Test
    void unopenedChannelIs504() throws Exception {
        assertThat(closeCodeFor(c -> spoiled(c, 2, 7))).isEqualTo(504); // channel 1 → 7
    }

    @Test
    void bodyWithoutHeaderIs505() throws Exception {
        assertThat(closeCodeFor(c -> spoiled(c, 0, 3))).isEqualTo(505); // method → body frame
    }

    @Test
    void bodyLongerThanItsHeaderIs505() throws Exception {
        try (RawAmqp091Client c = new RawAmqp091Client(server.port(), 0)) {
            c.out.write(frame(1, 1, c.method(60, 40, args -> {
                args.writeShort(0);
                shortstr(args, "");
                shortstr(args, "q");
                args.writeByte(0);
            })));
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(header);
            h.writeShort(60);
            h.writeShort(0);
            h.writeLong(3);
            h.writeShort(0); // no properties
            c.out.write(frame(2, 1, header.toByteArray()));
            c.out.write(frame(3, 1, "four".getBytes(StandardCharsets.UTF_8)));
            assertThat(c.awaitConnectionClose().replyCode()).isEqualTo(505);
        }
    }

    @Test
    void badInputClosesOnlyItsOwnConnection() throws Exception {
        try (Connection good = server.factory().newConnection()) {
            Channel channel = good.createChannel();
            channel.queueDeclare("kept", true, false, false, null);
            assertThat(closeCodeFor(c -> spoiled(c, 0, 9))).isEqualTo(501);
            AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive("kept");
            assertThat(ok.getQueue()).isEqualTo("kept");
        }
    }

    @Test
    void aConsumerWhoseSocketDiesGivesItsMessagesBack() throws Exception {
        try (Connection good = server.factory().newConnection()) {
            Channel channel = good.createChannel();
            channel.queueDeclare("orphaned", true, false, false, null);
            channel.basicPublish("", "orphaned", null, "held".getBytes(StandardCharsets.UTF_8));
            try (RawAmqp091Client c = new RawAmqp091Client(server.port(), 0)) {
                c.sendMethod(1, 60, 20, args -> { // basic.consume, manual ack
                    args.writeShort(0);
                    shortstr(args, "orphaned");
                    shortstr(args, "raw");
                    args.writeByte(0);
                    args.writeInt(0);
                });
                assertThat(c.readFrame().methodId()).isEqualTo(21); // consume-ok
                RawAmqp091Client.Read deliver = c.readFrame();
                assertThat(deliver.classId()).isEqualTo(60);
                assertThat(deliver.methodId()).isEqualTo(60); // basic.deliver
                c.socket.setSoLinger(true, 0); // reset, no close handshake
            }
            com.rabbitmq.client.GetResponse[] back = new com.rabbitmq.client.GetResponse[1];
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                back[0] = channel.basicGet("orphaned", true);
                return back[0] != null;
            });
            assertThat(new String(back[0].getBody(), StandardCharsets.UTF_8)).isEqualTo("held");
            assertThat(back[0].getEnvelope().isRedeliver()).isTrue();
        }
    }

    @Test
    void channelChurnLeavesEveryMessageInItsQueue() throws Exception {
        try (Connection good = server.factory().newConnection()) {
            Channel channel = good.createChannel();
            channel.queueDeclare("churn", true, false, false, null);
            channel.confirmSelect();
            for (int i = 0; i < 50; i++) {
                channel.basicPublish("", "churn", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(10_000);
            for (int round = 0; round < 40; round++) {
                Channel c = good.createChannel();
                c.basicQos(5);
                java.util.concurrent.CountDownLatch some = new java.util.concurrent.CountDownLatch(1);
                c.basicConsume("churn", false, (t, d) -> some.countDown(), t -> { });
                assertThat(some.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                c.close(); // whatever it held goes back
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> channel.queueDeclarePassive("churn").getMessageCount() == 50);
            assertThat(channel.queueDeclarePassive("churn").getConsumerCount()).isZero();
        }
    }

    @Test
    void notAmqp091GetsTheHeaderBack() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] header = new DataInputStream(s.getInputStream()).readNBytes(8);
            assertThat(header).containsExactly('A', 'M', 'Q', 'P', 0, 0, 9, 1);
        }
    }

    @Test
    void aSilentClientIsDroppedAfterTwoMissedHeartbeats() throws Exception {
        try (RawAmqp091Client c = new RawAmqp091Client(server.port(), 1)) {
            long start = System.nanoTime();
            InputStream in = c.in;
            boolean heartbeatSeen = false;
            try {
                while (true) {
                    RawAmqp091Client.Read r = c.readFrame();
                    heartbeatSeen |= r.type() == 8;
                }
            } catch (EOFException | SocketException closed) {
                // dropped
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(heartbeatSeen).isTrue();
            assertThat(ms).isBetween(1500L, 15_000L);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    /**
     * A consumer with manual acks and no prefetch limit (prefetch 0, which RabbitMQ allows) whose
     * client never reads: it is sent what fits its socket and a bounded write window, not the whole
     * queue into the broker's memory; the rest stays ready in the queue.
     */
    @Test
    void aConsumerWithoutPrefetchThatNeverReadsIsNotSentTheWholeQueue() throws Exception {
        int messages = 20_000;
        try (Connection publisher = server.factory().newConnection()) {
            Channel ch = publisher.createChannel();
            ch.queueDeclare("unread", true, false, false, null);
            ch.confirmSelect();
            byte[] body = new byte[1024];
            for (int i = 0; i < messages; i++) {
                ch.basicPublish("", "unread", null, body);
            }
            ch.waitForConfirmsOrDie(120_000);
            try (RawAmqp091Client c = new RawAmqp091Client(server.port(), 0, 64 * 1024)) {
                // basic.consume: queue, a server-named tag, no-local/no-ack/exclusive/no-wait all off, no arguments
                c.sendMethod(1, 60, 20, args -> {
                    args.writeShort(0);
                    shortstr(args, "unread");
                    shortstr(args, "");
                    args.writeByte(0);
                    args.writeInt(0);
                });
                long ready = readyOnceDeliveriesStop(ch, "unread");
                // the socket's buffers hold a few thousand 1 KiB deliveries and the window 1,000: far from all
                assertThat(ready).as("messages still ready in the queue").isGreaterThan(messages / 2L);
            }
        }
    }

    /** The queue's ready count once it has not moved for three looks in a row, half a second apart. */
    private static long readyOnceDeliveriesStop(Channel ch, String queue) throws Exception {
        long last = -1;
        int unchanged = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (unchanged < 3 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            long now = ch.queueDeclarePassive(queue).getMessageCount();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }
        return last;
    }
}
