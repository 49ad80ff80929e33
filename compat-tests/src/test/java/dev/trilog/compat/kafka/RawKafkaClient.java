package dev.trilog.compat.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One request at a time at a chosen API version, for what AdminClient cannot send: APIs it no
 * longer exposes (the legacy AlterConfigs) and old versions. Bytes are written and read by
 * kafka-clients' own request and response classes.
 */
final class RawKafkaClient implements AutoCloseable {

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private int correlationId;

    RawKafkaClient(String bootstrap) throws IOException {
        String[] hostPort = bootstrap.split(":");
        socket = new Socket();
        socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5_000);
        socket.setSoTimeout(10_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends {@code builder}'s request at {@code version} and returns the answer. */
    <T extends AbstractResponse> T send(AbstractRequest.Builder<?> builder, int version) throws IOException {
        return send(builder.build((short) version));
    }

    @SuppressWarnings("unchecked")
    <T extends AbstractResponse> T send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-test-client", ++correlationId);
        ByteBuffer bytes = request.serializeWithHeader(header);
        out.writeInt(bytes.remaining());
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return (T) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
