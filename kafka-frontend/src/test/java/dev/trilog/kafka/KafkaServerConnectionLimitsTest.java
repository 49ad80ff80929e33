package dev.trilog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.kafka.network.KafkaMetrics;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * connections.max.idle.ms, max.connections and max.connections.per.ip over real sockets (issue
 * 18: the Kafka port never closed an idle connection, and nothing but the open-files limit
 * capped how many it held).
 */
class KafkaServerConnectionLimitsTest {

    @TempDir
    Path dataDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Socket> sockets = new ArrayList<>();
    private LogEngine engine;
    private KafkaServer server;
    private InetSocketAddress bound;

    private void start(ConnectionLimits limits) throws IOException {
        engine = LogEngine.open(EngineSettings.of(dataDir));
        server = new KafkaServer(KafkaServerSettings.loopback(0).withConnections(limits), engine,
                new KafkaMetrics(registry));
        bound = server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(bound.getAddress(), bound.getPort());
        socket.setSoTimeout(5_000);
        sockets.add(socket);
        return socket;
    }

    /** Sends an ApiVersions request and reads its answer's correlation id. */
    private static int apiVersions(Socket socket, int correlationId) throws IOException {
        return roundTrip(socket, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3), correlationId);
    }

    /** Sends a request and reads its answer's correlation id. */
    private static int roundTrip(Socket socket, AbstractRequest request, int correlationId) throws IOException {
        ByteBuffer frame = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), "t",
                correlationId));
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return ByteBuffer.wrap(response).getInt();
    }

    /** True when the broker closed the socket: reading it ends (or is reset) within the socket's time-out. */
    private static boolean closedByTheBroker(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException | EOFException e) {
            return true; // reset
        }
    }

    private double refused(String limit) {
        var counter = registry.find("trilog.kafka.connections.refused").tag("limit", limit).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anIdleConnectionIsClosedAndABusyOneIsNot() throws Exception {
        // idle for 1.5 s: long beside the busy socket's 100 ms pauses, so that a machine busy with
        // other work (CI has stalled a test JVM for over 400 ms here) does not make it look idle
        start(ConnectionLimits.idleTimeout(1_500));
        Socket idle = connect();
        Socket busy = connect();
        long started = System.nanoTime();
        for (int i = 1; i <= 25; i++) { // 2.5 s of requests, 100 ms apart: never 1.5 s idle
            assertThat(apiVersions(busy, i)).isEqualTo(i);
            Thread.sleep(100);
        }

        assertThat(closedByTheBroker(idle)).as("the socket that sent nothing").isTrue();
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms until the idle socket was closed")
                .isLessThan(10_000);
        assertThat(apiVersions(busy, 26)).isEqualTo(26);
    }

    @Test
    void aConnectionWaitingForAnAnswerIsNotIdle() throws Exception {
        start(ConnectionLimits.idleTimeout(400));
        engine.createTopic("empty", 1, java.util.Map.of());
        FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(1_200).setMinBytes(1).setMaxBytes(1 << 20)
                .setReplicaId(-1).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic("empty").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));
        Socket waiting = connect();
        long started = System.nanoTime();

        // a fetch that waits three idle time-outs for data that never comes is answered, not cut
        assertThat(roundTrip(waiting, new FetchRequest(fetch, (short) 12), 1)).isEqualTo(1);
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(1_200);
        assertThat(closedByTheBroker(waiting)).as("and then, with nothing to answer, it is idle").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"max.connections.per.ip", "max.connections"})
    void oneConnectionOverALimitIsClosedTheOthersGoOnAndACloseMakesRoom(String limit) throws Exception {
        start(limit.equals("max.connections") ? new ConnectionLimits(0, 2, ConnectionLimits.UNLIMITED)
                : new ConnectionLimits(0, ConnectionLimits.UNLIMITED, 2));
        Socket first = connect();
        Socket second = connect();
        assertThat(apiVersions(first, 1)).isEqualTo(1);
        assertThat(apiVersions(second, 2)).isEqualTo(2);

        Socket third = connect();

        assertThat(closedByTheBroker(third)).isTrue();
        assertThat(refused(limit)).isEqualTo(1);
        assertThat(apiVersions(first, 3)).isEqualTo(3);
        assertThat(apiVersions(second, 4)).isEqualTo(4);

        first.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) { // the broker frees first's place once it has seen it close
            Socket next = connect();
            try {
                assertThat(apiVersions(next, 5)).isEqualTo(5);
                break;
            } catch (IOException refusedAgain) {
                assertThat(System.nanoTime()).as("a place within 5 s of a close").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }
}
