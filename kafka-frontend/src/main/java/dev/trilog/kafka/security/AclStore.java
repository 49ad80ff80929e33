package dev.trilog.kafka.security;

import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs, kept as the users are: one entry per binding in the engine's durable map
 * {@value #NAMESPACE} (the metadata log), fsynced before a change returns, replicated in a cluster.
 * An entry's name is the SHA-256 of its encoding, so adding a binding that exists changes nothing
 * (as Kafka's CreateAcls). Reads come from a parsed snapshot, rebuilt when the map changes.
 */
public final class AclStore {

    static final String NAMESPACE = "acls";
    private static final byte FORMAT = 1;

    private final DurableMap map;
    private volatile Snapshot snapshot = new Snapshot(-1, List.of());

    private record Snapshot(long version, List<AclBinding> bindings) {
    }

    AclStore(DurableMap map) {
        this.map = map;
    }

    public static AclStore open(LogEngine engine) throws IOException {
        return new AclStore(engine.durableMap(NAMESPACE));
    }

    /** Every binding, as of now. */
    public List<AclBinding> bindings() {
        Snapshot current = snapshot;
        long version = map.version();
        if (current.version() != version) {
            List<AclBinding> bindings = new ArrayList<>();
            map.all().values().forEach(bytes -> bindings.add(decode(bytes)));
            current = new Snapshot(version, List.copyOf(bindings));
            snapshot = current;
        }
        return current.bindings();
    }

    public synchronized void add(AclBinding binding) throws IOException {
        byte[] bytes = encode(binding);
        map.put(key(bytes), bytes);
    }

    /** Removes the bindings {@code filter} matches and answers them. */
    public synchronized List<AclBinding> remove(AclBindingFilter filter) throws IOException {
        List<AclBinding> removed = new ArrayList<>();
        for (AclBinding binding : bindings()) {
            if (filter.matches(binding)) {
                map.remove(key(encode(binding)));
                removed.add(binding);
            }
        }
        return removed;
    }

    static byte[] encode(AclBinding binding) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeByte(binding.pattern().resourceType().code());
            out.writeByte(binding.pattern().patternType().code());
            out.writeUTF(binding.pattern().name());
            out.writeUTF(binding.entry().principal());
            out.writeUTF(binding.entry().host());
            out.writeByte(binding.entry().operation().code());
            out.writeByte(binding.entry().permissionType().code());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AclBinding decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (in.readByte() != FORMAT) {
                throw new IllegalStateException("an ACL entry in an unknown format");
            }
            ResourceType type = ResourceType.fromCode(in.readByte());
            PatternType pattern = PatternType.fromCode(in.readByte());
            String name = in.readUTF();
            String principal = in.readUTF();
            String host = in.readUTF();
            AclOperation operation = AclOperation.fromCode(in.readByte());
            AclPermissionType permission = AclPermissionType.fromCode(in.readByte());
            return new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, host, operation, permission));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(byte[] encoded) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
