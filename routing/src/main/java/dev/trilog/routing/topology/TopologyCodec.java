package dev.trilog.routing.topology;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.ValueType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stored form of queues, exchanges and bindings in the engine's durable maps.
 *
 * <p>Every entry starts with a format version byte (1), then, big-endian as {@link DataOutputStream}
 * writes them:
 * <pre>
 * queue     name, durable, exclusive, autoDelete, ownsTopic (booleans), arguments
 * exchange  name, type (AMQP name), durable, autoDelete, internal, arguments
 * binding   source, destination kind (0 queue, 1 exchange), destination name, key, arguments
 *
 * string     int32 length, UTF-8 bytes
 * arguments  int32 count, then per argument (sorted by name): name (string), value
 * value      type token (string), has-label (boolean) [label (string)], int32 length (-1 = null) and bytes
 *            as HeaderValue.toHeaderBytes
 * </pre>
 * A version this code does not know is refused with an {@link IOException} rather than guessed
 * at: losing a queue silently is worse than not starting.
 */
final class TopologyCodec {

    private static final byte VERSION = 1;

    private TopologyCodec() {
    }

    static byte[] encode(QueueRecord queue) {
        return write(out -> {
            QueueSpec spec = queue.spec();
            writeString(out, spec.name());
            out.writeBoolean(spec.durable());
            out.writeBoolean(spec.exclusive());
            out.writeBoolean(spec.autoDelete());
            out.writeBoolean(queue.ownsTopic());
            writeArguments(out, spec.arguments());
        });
    }

    static QueueRecord decodeQueue(byte[] bytes) throws IOException {
        DataInputStream in = open(bytes, "queue");
        String name = readString(in);
        boolean durable = in.readBoolean();
        boolean exclusive = in.readBoolean();
        boolean autoDelete = in.readBoolean();
        boolean ownsTopic = in.readBoolean();
        return new QueueRecord(new QueueSpec(name, durable, exclusive, autoDelete, readArguments(in)), ownsTopic);
    }

    static byte[] encode(ExchangeSpec exchange) {
        return write(out -> {
            writeString(out, exchange.name());
            writeString(out, exchange.type().amqpName());
            out.writeBoolean(exchange.durable());
            out.writeBoolean(exchange.autoDelete());
            out.writeBoolean(exchange.internal());
            writeArguments(out, exchange.arguments());
        });
    }

    static ExchangeSpec decodeExchange(byte[] bytes) throws IOException {
        DataInputStream in = open(bytes, "exchange");
        String name = readString(in);
        String typeName = readString(in);
        ExchangeType type = ExchangeType.forAmqpName(typeName)
                .orElseThrow(() -> new IOException("exchange " + name + " has an unknown type " + typeName));
        boolean durable = in.readBoolean();
        boolean autoDelete = in.readBoolean();
        boolean internal = in.readBoolean();
        return new ExchangeSpec(name, type, durable, autoDelete, internal, readArguments(in));
    }

    static byte[] encode(Binding binding) {
        return write(out -> {
            writeString(out, binding.source());
            out.writeByte(binding.destination().isQueue() ? 0 : 1);
            writeString(out, binding.destination().name());
            writeString(out, binding.key());
            writeArguments(out, binding.arguments());
        });
    }

    static Binding decodeBinding(byte[] bytes) throws IOException {
        DataInputStream in = open(bytes, "binding");
        String source = readString(in);
        int kind = in.readByte();
        String destination = readString(in);
        String key = readString(in);
        return new Binding(source, kind == 0 ? Destination.queue(destination) : Destination.exchange(destination),
                key, readArguments(in));
    }

    /**
     * The name a binding is stored under: a digest of its encoding, which is the same for equal
     * bindings (arguments are written sorted) and fits any source, destination and key.
     */
    static String bindingId(Binding binding) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encode(binding)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    // ------------------------------------------------------------------ parts

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    private static DataInputStream open(byte[] bytes, String what) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("stored " + what + " has format version " + version + "; this Trilog reads "
                    + VERSION + " (was the data directory written by a newer version?)");
        }
        return in;
    }

    private static void writeArguments(DataOutputStream out, Map<String, HeaderValue> arguments) throws IOException {
        out.writeInt(arguments.size());
        for (Map.Entry<String, HeaderValue> argument : new TreeMap<>(arguments).entrySet()) {
            writeString(out, argument.getKey());
            HeaderValue value = argument.getValue();
            writeString(out, value.type().token());
            out.writeBoolean(value.customType().isPresent());
            if (value.customType().isPresent()) {
                writeString(out, value.customType().get());
            }
            writeBytes(out, value.toHeaderBytes());
        }
    }

    private static Map<String, HeaderValue> readArguments(DataInputStream in) throws IOException {
        int count = in.readInt();
        Map<String, HeaderValue> arguments = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = readString(in);
            String token = readString(in);
            ValueType type = ValueType.forToken(token)
                    .orElseThrow(() -> new IOException("argument " + name + " has an unknown type " + token));
            String label = in.readBoolean() ? readString(in) : null;
            byte[] bytes = readBytes(in);
            try {
                arguments.put(name, HeaderValue.fromHeaderBytes(type, bytes).withCustomType(label));
            } catch (IllegalArgumentException e) {
                throw new IOException("argument " + name + " does not read back: " + e.getMessage(), e);
            }
        }
        return arguments;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] bytes = readBytes(in);
        if (bytes == null) {
            throw new IOException("a stored name is missing");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (length > in.available()) {
            throw new IOException("a stored field claims " + length + " bytes; only " + in.available() + " remain");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
