package dev.trilog.compat.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
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

    /**
     * One Produce of {@code records} to one partition, at v12 (addressed by name; v13 uses topic
     * ids), for batches the Java producer would never send; returns that partition's answer.
     *
     * @param transactionalId null for a non-transactional producer
     */
    PartitionProduceResponse produce(TopicPartition partition, MemoryRecords records, short acks,
            String transactionalId) throws IOException {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(partition.topic()).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition.partition()).setRecords(records))));
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(5_000)
                .setTransactionalId(transactionalId).setTopicData(topics);
        ProduceResponse response = send(ProduceRequest.builder(data), 12);
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    /**
     * Sends a raw SASL token (size-prefixed, no Kafka header: what follows a SaslHandshake v0) and
     * reads the raw answer.
     */
    byte[] exchangeRawToken(byte[] token) throws IOException {
        out.writeInt(token.length);
        out.write(token);
        out.flush();
        byte[] answer = new byte[in.readInt()];
        in.readFully(answer);
        return answer;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
