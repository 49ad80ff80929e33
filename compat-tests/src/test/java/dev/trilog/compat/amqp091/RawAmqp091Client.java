package dev.trilog.compat.amqp091;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A hand-driven AMQP 0-9-1 client: header, start-ok, tune-ok, open, channel 1 open, then raw
 * frames — for what no client library sends (malformed frames, heartbeat storms).
 */
public final class RawAmqp091Client implements AutoCloseable {

    public final Socket socket;
    public final DataInputStream in;
    public final OutputStream out;

    public RawAmqp091Client(int port, int heartbeat) throws IOException {
        this(port, heartbeat, 0);
    }

    /** {@code receiveBuffer}: the socket's SO_RCVBUF in bytes, set before connecting; 0 = the system's. */
    public RawAmqp091Client(int port, int heartbeat, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
        assertThat(readFrame().methodId).isEqualTo(10); // connection.start
        sendMethod(0, 10, 11, args -> {
            args.writeInt(0); // client-properties: empty table
            shortstr(args, "PLAIN");
            longstr(args, "\0guest\0guest");
            shortstr(args, "en_US");
        });
        assertThat(readFrame().methodId).isEqualTo(30); // connection.tune
        sendMethod(0, 10, 31, args -> {
            args.writeShort(2047);
            args.writeInt(131072);
            args.writeShort(heartbeat);
        });
        sendMethod(0, 10, 40, args -> {
            shortstr(args, "/");
            shortstr(args, "");
            args.writeByte(0);
        });
        assertThat(readFrame().methodId).isEqualTo(41); // open-ok
        sendMethod(1, 20, 10, args -> shortstr(args, ""));
        assertThat(readFrame().methodId).isEqualTo(11); // channel.open-ok
    }

    public interface Args {
        void write(DataOutputStream args) throws IOException;
    }

    public byte[] method(int classId, int methodId, Args args) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(payload);
        data.writeShort(classId);
        data.writeShort(methodId);
        args.write(data);
        return payload.toByteArray();
    }

    public void sendMethod(int channel, int classId, int methodId, Args args) throws IOException {
        out.write(frame(1, channel, method(classId, methodId, args)));
    }

    public record Read(int type, int channel, int classId, int methodId, byte[] payload) {
        public int replyCode() {
            return ((payload[4] & 0xff) << 8) | (payload[5] & 0xff);
        }
    }

    public Read readFrame() throws IOException {
        int type = in.readUnsignedByte();
        int channel = in.readUnsignedShort();
        int size = in.readInt();
        byte[] payload = new byte[size];
        in.readFully(payload);
        assertThat(in.readUnsignedByte()).isEqualTo(0xCE);
        int classId = size >= 4 && type == 1 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 0;
        int methodId = size >= 4 && type == 1 ? ((payload[2] & 0xff) << 8) | (payload[3] & 0xff) : 0;
        return new Read(type, channel, classId, methodId, payload);
    }

    /** The connection.close the server answers with (skipping heartbeats). */
    public Read awaitConnectionClose() throws IOException {
        while (true) {
            Read r = readFrame();
            if (r.type == 1 && r.classId == 10 && r.methodId == 50) {
                return r;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public static byte[] frame(int type, int channel, byte[] payload) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        try {
            data.writeByte(type);
            data.writeShort(channel);
            data.writeInt(payload.length);
            data.write(payload);
            data.writeByte(0xCE);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    public static void shortstr(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeByte(b.length);
        out.write(b);
    }

    public static void longstr(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
