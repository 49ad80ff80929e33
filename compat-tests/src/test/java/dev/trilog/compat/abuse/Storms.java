package dev.trilog.compat.abuse;

import dev.trilog.compat.amqp091.RawAmqp091Client;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Request storms that are each legal: Kafka ApiVersions requests pipelined as fast as a
 * connection takes them (their answers read and dropped), and AMQP 0-9-1 heartbeats sent in
 * bursts of {@value #HEARTBEATS_PER_WRITE} on opened connections.
 */
final class Storms implements Abuse {

    private static final int HEARTBEATS_PER_WRITE = 1024;
    private static final byte[] HEARTBEAT = {8, 0, 0, 0, 0, 0, 0, (byte) 0xCE};

    private final int kafkaPort;
    private final int amqpPort;
    private final int connections;
    private final List<Socket> sockets = new ArrayList<>();
    private final Background background = new Background();
    private final AtomicLong apiVersionsSent = new AtomicLong();
    private final AtomicLong bytesAnswered = new AtomicLong();
    private final AtomicLong heartbeatsSent = new AtomicLong();
    private volatile boolean stopped;

    /** @param connections per storm */
    Storms(int kafkaPort, int amqpPort, int connections) {
        this.kafkaPort = kafkaPort;
        this.amqpPort = amqpPort;
        this.connections = connections;
    }

    @Override
    public void start() throws Exception {
        ApiVersionsRequest request = new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3);
        ByteBuffer body = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), "storm", 1));
        byte[] frame = ByteBuffer.allocate(Integer.BYTES + body.remaining()).putInt(body.remaining()).put(body).array();
        byte[] burst = repeat(frame, 64);
        for (int i = 0; i < connections; i++) {
            Socket kafka = Sockets.connect(kafkaPort);
            sockets.add(kafka);
            background.start("abuse-apiversions-writer-" + i, () -> writeForever(kafka, burst, apiVersionsSent, 64));
            background.start("abuse-apiversions-reader-" + i, () -> drain(kafka));
            RawAmqp091Client amqp = new RawAmqp091Client(amqpPort, 0);
            sockets.add(amqp.socket);
            byte[] heartbeats = repeat(HEARTBEAT, HEARTBEATS_PER_WRITE);
            background.start("abuse-heartbeats-writer-" + i,
                    () -> writeForever(amqp.socket, heartbeats, heartbeatsSent, HEARTBEATS_PER_WRITE));
            background.start("abuse-heartbeats-reader-" + i, () -> drain(amqp.socket));
        }
    }

    private static byte[] repeat(byte[] unit, int times) {
        ByteBuffer bytes = ByteBuffer.allocate(unit.length * times);
        for (int i = 0; i < times; i++) {
            bytes.put(unit);
        }
        return bytes.array();
    }


    private void writeForever(Socket socket, byte[] burst, AtomicLong sent, int perBurst) {
        try {
            OutputStream out = socket.getOutputStream();
            while (!stopped) {
                out.write(burst);
                sent.addAndGet(perBurst);
            }
        } catch (IOException closed) {
            // stopped, or closed by the broker
        }
    }

    private void drain(Socket socket) {
        byte[] sink = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            for (int n; !stopped && (n = in.read(sink)) >= 0; ) {
                bytesAnswered.addAndGet(n);
            }
        } catch (IOException closed) {
            // stopped, or closed by the broker
        }
    }

    @Override
    public String report() {
        return connections + " connections each sent " + apiVersionsSent.get() + " ApiVersions requests and "
                + heartbeatsSent.get() + " AMQP 0-9-1 heartbeats in all; " + bytesAnswered.get() + " bytes answered";
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        Sockets.closeAll(sockets);
        background.join();
    }
}
