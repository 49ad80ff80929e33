package dev.trilog.compat.amqp;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.codec.WritableBuffer;
import org.apache.qpid.proton.message.Message;

/**
 * AMQP 1.0 at the frame level over a plain socket, for what real clients never send: frames are
 * built with proton-j's codec (performatives only, no engine), so a test can send a transfer
 * without credit, an oversized frame or bytes that decode as nothing, and read what comes back.
 */
final class RawAmqpConnection implements AutoCloseable {

    static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};

    /** One frame read back: its channel and performative (null for an empty frame). */
    record Frame(int channel, Object body) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DecoderImpl decoder = new DecoderImpl();
    private final EncoderImpl encoder = new EncoderImpl(decoder);

    RawAmqpConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
    }

    /** Writes the chunks as one write, so the server reads them together. */
    void write(byte[]... chunks) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            all.write(chunk);
        }
        out.write(all.toByteArray());
        out.flush();
    }

    /** One AMQP frame (type 0) with {@code performative} and an optional payload. */
    byte[] frame(int channel, Object performative, byte[] payload) {
        ByteBuffer body = ByteBuffer.allocate(65_536);
        encoder.setByteBuffer(new WritableBuffer.ByteBufferWrapper(body));
        encoder.writeObject(performative);
        encoder.setByteBuffer((WritableBuffer) null);
        int bodyLength = body.position();
        int payloadLength = payload == null ? 0 : payload.length;
        ByteBuffer frame = ByteBuffer.allocate(8 + bodyLength + payloadLength);
        frame.putInt(8 + bodyLength + payloadLength).put((byte) 2).put((byte) 0).putShort((short) channel);
        frame.put(body.array(), 0, bodyLength);
        if (payload != null) {
            frame.put(payload);
        }
        return frame.array();
    }

    byte[] open() {
        Open open = new Open();
        open.setContainerId("raw-test");
        return frame(0, open, null);
    }

    byte[] begin() {
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(1000));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(1000));
        return frame(0, begin, null);
    }

    /** A sending link (handle 0) to {@code address}. */
    byte[] attachSender(String address) {
        Attach attach = new Attach();
        attach.setName("raw-sender");
        attach.setHandle(UnsignedInteger.ZERO);
        attach.setRole(Role.SENDER);
        attach.setSndSettleMode(SenderSettleMode.UNSETTLED);
        attach.setRcvSettleMode(ReceiverSettleMode.FIRST);
        attach.setSource(new org.apache.qpid.proton.amqp.messaging.Source());
        Target target = new Target();
        target.setAddress(address);
        attach.setTarget(target);
        attach.setInitialDeliveryCount(UnsignedInteger.ZERO);
        return frame(0, attach, null);
    }

    /** A one-frame message on handle 0. */
    byte[] transfer(int deliveryId, String text) {
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.ZERO);
        transfer.setDeliveryId(UnsignedInteger.valueOf(deliveryId));
        transfer.setDeliveryTag(new Binary(new byte[] {(byte) deliveryId}));
        transfer.setMessageFormat(UnsignedInteger.ZERO);
        Message message = Message.Factory.create();
        message.setBody(new AmqpValue(text));
        byte[] encoded = new byte[1024];
        int length = message.encode(encoded, 0, encoded.length);
        return frame(0, transfer, java.util.Arrays.copyOf(encoded, length));
    }

    /** The 8 bytes the server answers first. */
    byte[] readHeader() throws IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        return header;
    }

    /** The next frame, or null at the end of the stream. */
    Frame readFrame() throws IOException {
        int size;
        try {
            size = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        byte[] rest = new byte[size - 4];
        in.readFully(rest);
        int dataOffset = (rest[0] & 0xFF) * 4;
        int channel = ((rest[2] & 0xFF) << 8) | (rest[3] & 0xFF);
        if (size == dataOffset) {
            return new Frame(channel, null);
        }
        decoder.setByteBuffer(ByteBuffer.wrap(rest, dataOffset - 4, size - dataOffset));
        Object body = decoder.readObject();
        decoder.setByteBuffer(null);
        return new Frame(channel, body);
    }

    /** Frames until one of {@code type} (returned), or null when the stream ends first. */
    <T> T readUntil(Class<T> type, List<Object> seen) throws IOException {
        for (Frame frame = readFrame(); frame != null; frame = readFrame()) {
            seen.add(frame.body());
            if (type.isInstance(frame.body())) {
                return type.cast(frame.body());
            }
        }
        return null;
    }

    /** True when the server closed the socket (reads end) within the socket time-out. */
    boolean closedByServer() throws IOException {
        try {
            List<Object> ignored = new ArrayList<>();
            while (readFrame() != null) {
                ignored.clear();
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Reads to the end of the stream; true if it ended within the socket time-out. */
    boolean endsAfter(int bytes) throws IOException {
        try {
            in.skipNBytes(bytes);
            return in.read() < 0;
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
