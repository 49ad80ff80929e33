package dev.trilog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.network.KafkaMetrics;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines requests and does not read the answers (issue 18's abuse case): the
 * broker stops reading it instead of holding every answer in memory, and answers everything once
 * the client reads again.
 */
class KafkaServerBackPressureTest {

    private static final int REQUESTS = 200_000;

    @TempDir
    Path dataDir;

    @Test
    void aClientThatDoesNotReadItsAnswersIsNoLongerReadUntilItDoes() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            KafkaServer server = new KafkaServer(KafkaServerSettings.loopback(0), engine, new KafkaMetrics(registry));
            var bound = server.start();
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(8 * 1024); // before connecting, so the window is small
                socket.connect(bound);
                ByteBuffer frame = new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3)
                        .serializeWithHeader(new RequestHeader(org.apache.kafka.common.protocol.ApiKeys.API_VERSIONS,
                                (short) 3, "t", 0));
                byte[] request = new byte[frame.remaining()];
                frame.get(request);
                long requestBytes = (long) REQUESTS * (Integer.BYTES + request.length);
                // ~500 bytes of answer for each 30-odd bytes of request: 100 MB of answers in all, if
                // the broker read every request
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(socket, request));

                double received = awaitSteady(registry);
                System.out.printf("back-pressure: the broker read %.0f of %d request bytes while the client read"
                        + " nothing%n", received, requestBytes);
                assertThat(received).as("request bytes the broker read while the client read nothing")
                        .isLessThan(requestBytes / 4);

                DataInputStream in = new DataInputStream(socket.getInputStream());
                for (int i = 0; i < REQUESTS; i++) {
                    byte[] answer = new byte[in.readInt()];
                    in.readFully(answer);
                }
                writer.get(30, TimeUnit.SECONDS);
                assertThat(registry.get("trilog.kafka.received").counter().count()).isEqualTo(requestBytes);
            } finally {
                server.close();
            }
        }
    }

    private static void write(Socket socket, byte[] request) {
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            for (int i = 0; i < REQUESTS; i++) {
                out.writeInt(request.length);
                out.write(request);
            }
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The broker's received-bytes count once it has not moved for half a second. */
    private static double awaitSteady(SimpleMeterRegistry registry) throws InterruptedException {
        double last = -1;
        long steadySince = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var counter = registry.find("trilog.kafka.received").counter();
            double now = counter == null ? 0 : counter.count();
            if (now != last) {
                last = now;
                steadySince = System.nanoTime();
            } else if (now > 0 && System.nanoTime() - steadySince > TimeUnit.MILLISECONDS.toNanos(500)) {
                return now;
            }
            Thread.sleep(50);
        }
        return last;
    }
}
