package dev.trilog.frontend.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * A user's credentials as stored in the engine's durable map (the key is the user's name):
 *
 * <pre>
 * byte  version (1)
 * byte  count of credentials
 * per credential:
 *   byte   mechanism (Kafka's type: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512)
 *   int    iterations
 *   short  length, bytes   salt
 *   short  length, bytes   stored key
 *   short  length, bytes   server key
 * </pre>
 */
final class UserCodec {

    private static final byte VERSION = 1;

    private UserCodec() {
    }

    static byte[] encode(User user) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(user.credentials().size());
            for (ScramCredential credential : new EnumMap<>(user.credentials()).values()) {
                out.writeByte(credential.mechanism().type());
                out.writeInt(credential.iterations());
                writeBytes(out, credential.salt());
                writeBytes(out, credential.storedKey());
                writeBytes(out, credential.serverKey());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return bytes.toByteArray();
    }

    static User decode(String name, byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("user '" + name + "' is stored in format " + version + ", which this version cannot read");
        }
        int count = in.readUnsignedByte();
        Map<ScramMechanism, ScramCredential> credentials = new EnumMap<>(ScramMechanism.class);
        for (int i = 0; i < count; i++) {
            byte type = in.readByte();
            ScramMechanism mechanism = ScramMechanism.forType(type)
                    .orElseThrow(() -> new IOException("user '" + name + "' has a credential of unknown type " + type));
            int iterations = in.readInt();
            credentials.put(mechanism, new ScramCredential(mechanism, readBytes(in), readBytes(in), readBytes(in),
                    iterations));
        }
        return new User(name, credentials);
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeShort(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        return in.readNBytes(in.readUnsignedShort());
    }
}
