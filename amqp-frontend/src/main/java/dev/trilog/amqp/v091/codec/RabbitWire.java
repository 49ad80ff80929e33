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
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
     * Reads a method frame's payload (class id, method id, arguments).
     *
     * @throws com.rabbitmq.client.UnknownClassOrMethodId for a class or method 0-9-1 does not have
     * @throws IOException when the arguments are cut short or malformed
     */
    public static Method readMethod(ByteBuf payload) throws IOException {
        return AMQImpl.readMethodFrom(new DataInputStream(new ByteBufInputStream(payload)));
    }

    /**
     * Reads a content header's payload (class id, weight, body size, properties).
     *
     * @throws com.rabbitmq.client.UnknownClassOrMethodId for a class other than basic
     * @throws IOException when the properties are cut short or malformed
     */
    public static Frame.HeaderFrame readHeader(int channel, ByteBuf payload) throws IOException {
        int classId = payload.getUnsignedShort(payload.readerIndex());
        AMQContentHeader header = AMQImpl.readContentHeaderFrom(new DataInputStream(new ByteBufInputStream(payload)));
        return new Frame.HeaderFrame(channel, classId, header.getBodySize(), (AMQP.BasicProperties) header);
    }

    /** Writes a method's payload: class id, method id, arguments. */
    public static void writeMethod(Method method, ByteBuf out) throws IOException {
        com.rabbitmq.client.impl.Method m = (com.rabbitmq.client.impl.Method) method;
        out.writeShort(m.protocolClassId());
        out.writeShort(m.protocolMethodId());
        MethodArgumentWriter writer = new MethodArgumentWriter(new ValueWriter(new DataOutputStream(
                new ByteBufOutputStream(out))));
        m.writeArgumentsTo(writer);
        writer.flush();
    }

    /** Writes a content header's payload: class basic, weight 0, the body size, the properties. */
    public static void writeHeader(AMQP.BasicProperties properties, long bodySize, ByteBuf out) throws IOException {
        DataOutputStream data = new DataOutputStream(new ByteBufOutputStream(out));
        data.writeShort(BASIC_CLASS_ID);
        data.writeShort(0);
        data.writeLong(bodySize);
        ((AMQBasicProperties) properties).writePropertiesTo(new ContentHeaderPropertyWriter(data));
        data.flush();
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
