package dev.trilog.amqp.v091.codec;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.impl.AMQBasicProperties;
import com.rabbitmq.client.impl.AMQContentHeader;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.ContentHeaderPropertyWriter;
import com.rabbitmq.client.impl.MethodArgumentWriter;
import com.rabbitmq.client.impl.ValueReader;
import com.rabbitmq.client.impl.ValueWriter;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one adapter over the RabbitMQ Java client's implementation classes
 * ({@code com.rabbitmq.client.impl}, not a public API): method arguments, content-header
 * properties and field tables are (de)serialised by the client's generated code, tested against
 * RabbitMQ for years (LIBRARIES.md §4). Everything else in Trilog uses the client's public types
 * ({@code AMQP.*}, {@code AMQP.BasicProperties}), so an upgrade that moves these classes breaks
 * here only.
 *
 * <p>Reads work on a slice holding exactly one frame's payload; a read that wants more than the
 * slice has fails with an {@link IOException} (EOF), never reads past the frame.
 */
public final class RabbitWire {

    /** The content class Trilog knows: basic. */
    public static final int BASIC_CLASS_ID = 60;

    private RabbitWire() {
    }

    /**
     * Reads method and content-header payloads through one {@link DataInputStream} that it points
     * at each frame's slice in turn: the client's readers want a stream, and a stream pair per
     * frame (two per publish) was most of what decoding allocated. One per decoder; not
     * thread-safe.
     */
    public static final class Reader {

        private final SliceInput slice = new SliceInput();
        private final DataInputStream data = new DataInputStream(slice);

        /**
         * Reads a method frame's payload (class id, method id, arguments).
         *
         * @throws com.rabbitmq.client.UnknownClassOrMethodId for a class or method 0-9-1 does not have
         * @throws IOException when the arguments are cut short or malformed
         */
        public Method readMethod(ByteBuf payload) throws IOException {
            slice.from(payload);
            try {
                return AMQImpl.readMethodFrom(data);
            } finally {
                slice.from(null);
            }
        }

        /**
         * Reads a content header's payload (class id, weight, body size, properties).
         *
         * @throws com.rabbitmq.client.UnknownClassOrMethodId for a class other than basic
         * @throws IOException when the properties are cut short or malformed
         */
        public Frame.HeaderFrame readHeader(int channel, ByteBuf payload) throws IOException {
            int classId = payload.getUnsignedShort(payload.readerIndex());
            slice.from(payload);
            try {
                AMQContentHeader header = AMQImpl.readContentHeaderFrom(data);
                return new Frame.HeaderFrame(channel, classId, header.getBodySize(), (AMQP.BasicProperties) header);
            } finally {
                slice.from(null);
            }
        }
    }

    /** The readable bytes of whichever buffer it is given, as an input stream ending where they end. */
    private static final class SliceInput extends InputStream {

        private ByteBuf buf;

        void from(ByteBuf b) {
            buf = b;
        }

        @Override
        public int read() {
            return buf.isReadable() ? buf.readUnsignedByte() : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = Math.min(len, buf.readableBytes());
            if (n == 0) {
                return -1;
            }
            buf.readBytes(b, off, n);
            return n;
        }

        @Override
        public long skip(long n) {
            int skipped = (int) Math.min(Math.max(n, 0), buf.readableBytes());
            buf.skipBytes(skipped);
            return skipped;
        }

        @Override
        public int available() {
            return buf.readableBytes();
        }
    }

    /**
     * Writes method and content-header payloads through one {@link DataOutputStream} (and the
     * client's value writer on it) pointed at each output buffer in turn, rather than a stream,
     * a writer and their buffers per frame (three frames per delivery). One per thread
     * ({@link #writer}): the encoder runs on the connections' event loops.
     */
    private static final class Writer {

        private final BufOutput target = new BufOutput();
        private final DataOutputStream data = new DataOutputStream(target);
        private final ValueWriter values = new ValueWriter(data);

        void writeMethod(com.rabbitmq.client.impl.Method m, ByteBuf out) throws IOException {
            out.writeShort(m.protocolClassId());
            out.writeShort(m.protocolMethodId());
            target.to(out);
            try {
                MethodArgumentWriter writer = new MethodArgumentWriter(values); // holds the bits of one method
                m.writeArgumentsTo(writer);
                writer.flush();
            } finally {
                target.to(null);
            }
        }

        void writeHeader(AMQBasicProperties properties, long bodySize, ByteBuf out) throws IOException {
            out.writeShort(BASIC_CLASS_ID);
            out.writeShort(0);
            out.writeLong(bodySize);
            target.to(out);
            try {
                properties.writePropertiesTo(new ContentHeaderPropertyWriter(data)); // holds one header's flags
                data.flush();
            } finally {
                target.to(null);
            }
        }
    }

    /** Appends to whichever buffer it is given. */
    private static final class BufOutput extends OutputStream {

        private ByteBuf buf;

        void to(ByteBuf b) {
            buf = b;
        }

        @Override
        public void write(int b) {
            buf.writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buf.writeBytes(b, off, len);
        }
    }

    private static final FastThreadLocal<Writer> WRITER = new FastThreadLocal<>() {
        @Override
        protected Writer initialValue() {
            return new Writer();
        }
    };

    /** Writes a method's payload: class id, method id, arguments. */
    public static void writeMethod(Method method, ByteBuf out) throws IOException {
        WRITER.get().writeMethod((com.rabbitmq.client.impl.Method) method, out);
    }

    /** Writes a content header's payload: class basic, weight 0, the body size, the properties. */
    public static void writeHeader(AMQP.BasicProperties properties, long bodySize, ByteBuf out) throws IOException {
        WRITER.get().writeHeader((AMQBasicProperties) properties, bodySize, out);
    }

    /**
     * One field-table value (a nested table or an array, typically) as its wire bytes: the type
     * tag, then the value. {@link #decodeFieldValue} reads it back.
     */
    public static byte[] encodeFieldValue(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ValueWriter writer = new ValueWriter(new DataOutputStream(bytes));
            writer.writeFieldValue(value);
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The value {@link #encodeFieldValue} wrote.
     *
     * @throws IOException when the bytes are not one field value
     */
    public static Object decodeFieldValue(byte[] encoded) throws IOException {
        // ValueReader reads single values only inside a table: wrap the value as table {"v": value}
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(table);
        data.writeInt(2 + encoded.length);
        data.writeByte(1);
        data.writeByte('v');
        data.write(encoded);
        data.flush();
        Map<String, Object> read = new ValueReader(new DataInputStream(new ByteArrayInputStream(table.toByteArray())))
                .readTable();
        if (!read.containsKey("v")) {
            throw new IOException("not one field value");
        }
        return read.get("v");
    }

    /**
     * A field table's fields without the table's length prefix, as AMQPLAIN's response carries
     * them ({@code LOGIN} and {@code PASSWORD}).
     *
     * @throws IOException when the bytes are not a table's fields
     */
    public static Map<String, Object> decodeTableFields(byte[] fields) throws IOException {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(table);
        data.writeInt(fields.length);
        data.write(fields);
        data.flush();
        return new ValueReader(new DataInputStream(new ByteArrayInputStream(table.toByteArray()))).readTable();
    }
}
