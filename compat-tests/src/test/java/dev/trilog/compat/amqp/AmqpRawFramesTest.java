package dev.trilog.compat.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import jakarta.jms.Connection;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What no real client sends, at the byte level: wrong protocol headers, frames over the limit,
 * undecodable frames, transfers without credit. Each ends its connection (or link) with the
 * protocol's own answer, and another client on the same port notices nothing.
 */
class AmqpRawFramesTest {

    @TempDir
    static Path dataDir;
    static TrilogHarness trilog;

    @BeforeAll
    static void start() {
        // one credit per sending link, so a second transfer in the same write has none
        trilog = TrilogHarness.start(dataDir, "amqp.link-credit", "1", "amqp.max-frame-size", "4096");
    }

    @AfterAll
    static void stop() {
        trilog.close();
    }

    private static byte[] answerTo(byte[] bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", trilog.amqpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(bytes);
            InputStream in = socket.getInputStream();
            return in.readAllBytes(); // to the end of the stream: the server closed it
        }
    }

    @Test
    void amqp091IsAnsweredWithThe10HeaderAndClosed() throws Exception {
        assertThat(answerTo(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1})).containsExactly('A', 'M', 'Q', 'P', 3, 1, 0, 0);
        assertThat(trilog.gateway().metrics().scrape())
                .contains("trilog_amqp_connections_refused_total{protocol=\"amqp-0-9-1\"} 1.0");
        assertStillServing();
    }

    @Test
    void httpAndUnknownVersionsAreAnsweredWithThe10HeaderAndClosed() throws Exception {
        assertThat(answerTo("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .containsExactly('A', 'M', 'Q', 'P', 3, 1, 0, 0);
        assertThat(answerTo(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 9})).containsExactly('A', 'M', 'Q', 'P', 3, 1, 0, 0);
        assertStillServing();
    }

    @Test
    void aFrameOverMaxFrameSizeClosesTheConnectionWithAFramingError() throws Exception {
        try (RawAmqpConnection raw = new RawAmqpConnection(trilog.amqpPort())) {
            byte[] oversized = ByteBuffer.allocate(16).putInt(10 * 1024 * 1024).put((byte) 2).put((byte) 0)
                    .putShort((short) 0).array();
            raw.write(RawAmqpConnection.AMQP_HEADER, raw.open(), oversized);
            assertThat(raw.readHeader()).containsExactly(RawAmqpConnection.AMQP_HEADER);
            List<Object> frames = new ArrayList<>();
            Close close = raw.readUntil(Close.class, frames);
            assertThat(frames.get(0)).isInstanceOf(Open.class);
            assertThat(((Open) frames.get(0)).getMaxFrameSize().intValue()).isEqualTo(4096);
            assertThat(close).isNotNull();
            assertThat(close.getError().getCondition().toString()).isEqualTo("amqp:connection:framing-error");
            assertThat(raw.closedByServer()).isTrue();
        }
        assertStillServing();
    }

    @Test
    void garbageAfterOpenClosesTheConnectionWithAnError() throws Exception {
        try (RawAmqpConnection raw = new RawAmqpConnection(trilog.amqpPort())) {
            byte[] garbage = ByteBuffer.allocate(16).putInt(16).put((byte) 2).put((byte) 0).putShort((short) 0)
                    .putInt(0xFFFFFFFF).putInt(0x12345678).array();
            raw.write(RawAmqpConnection.AMQP_HEADER, raw.open(), garbage);
            raw.readHeader();
            Close close = raw.readUntil(Close.class, new ArrayList<>());
            assertThat(close).isNotNull();
            assertThat(close.getError()).isNotNull();
            assertThat(close.getError().getCondition().toString()).startsWith("amqp:");
            assertThat(raw.closedByServer()).isTrue();
        }
        assertStillServing();
    }

    @Test
    void aTransferWithoutCreditDetachesTheLinkWithTransferLimitExceeded() throws Exception {
        try (RawAmqpConnection raw = new RawAmqpConnection(trilog.amqpPort())) {
            raw.write(RawAmqpConnection.AMQP_HEADER, raw.open(), raw.begin(), raw.attachSender("raw-no-credit"));
            raw.readHeader();
            List<Object> frames = new ArrayList<>();
            // the attach is answered once the queue is declared; then one credit
            Flow flow = raw.readUntil(Flow.class, frames);
            while (flow != null && flow.getHandle() == null) { // a session's flow: wait for the link's
                flow = raw.readUntil(Flow.class, frames);
            }
            assertThat(flow).isNotNull();
            assertThat(flow.getLinkCredit().intValue()).isEqualTo(1);
            raw.write(raw.transfer(0, "within credit"), raw.transfer(1, "beyond credit"));
            Detach detach = raw.readUntil(Detach.class, frames);
            assertThat(detach).isNotNull();
            assertThat(detach.getError().getCondition().toString()).isEqualTo("amqp:link:transfer-limit-exceeded");
        }
        assertStillServing();
    }

    @Test
    void aTransferBeforeTheSessionAndLinkAreAnsweredIsRefused() throws Exception {
        try (RawAmqpConnection raw = new RawAmqpConnection(trilog.amqpPort())) {
            raw.write(RawAmqpConnection.AMQP_HEADER, raw.open(), raw.begin(), raw.attachSender("/queue/raw-eager"),
                    raw.transfer(0, "too early"));
            raw.readHeader();
            List<Object> frames = new ArrayList<>();
            Object end = null;
            for (RawAmqpConnection.Frame f = raw.readFrame(); f != null && end == null; f = raw.readFrame()) {
                frames.add(f.body());
                if (f.body() instanceof Detach || f.body() instanceof Close) {
                    end = f.body();
                }
            }
            // proton-j refuses it at the session (its incoming window was still 0), or we at the link
            String condition = end instanceof Detach d ? d.getError().getCondition().toString()
                    : ((Close) end).getError().getCondition().toString();
            assertThat(condition).as("frames %s", frames)
                    .isIn("amqp:session:window-violation", "amqp:link:transfer-limit-exceeded");
        }
        assertStillServing();
    }

    /** Another client on the same port still sends and receives. */
    private static void assertStillServing() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory(trilog.amqpUri());
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("raw-bystander");
            session.createProducer(queue).send(session.createTextMessage("fine"));
            assertThat(((TextMessage) session.createConsumer(queue).receive(10_000)).getText()).isEqualTo("fine");
        }
    }
}
