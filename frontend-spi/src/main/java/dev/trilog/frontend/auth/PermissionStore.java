package dev.trilog.frontend.auth;

import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.address.VhostNames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The AMQP users' permissions, per user and virtual host ({@link VhostPermissions}), beside the
 * {@link UserStore}: a user logs in with one password on every protocol, and what it may do is
 * each protocol's own (AMQP permissions here, Kafka ACLs, SQS queue policies).
 *
 * <p>One entry per (vhost, user) in the engine's durable map {@value #NAMESPACE} — the metadata
 * log, fsynced before a change returns and replicated in a cluster — keyed
 * {@code <vhost> NUL <user>}, the value {@code byte version (1)} and the configure, write and read
 * expressions as modified UTF-8 ({@link DataOutputStream#writeUTF}). Permissions are granted in
 * vhosts that exist ({@link VhostStore}) and go with a deleted vhost ({@link #clearVhost}).
 */
public final class PermissionStore {

    static final String NAMESPACE = "amqp-permissions";
    public static final String DEFAULT_VHOST = VhostNames.DEFAULT;
    private static final byte VERSION = 1;

    private final DurableMap map;
    private final VhostStore vhosts;

    PermissionStore(DurableMap map, VhostStore vhosts) {
        this.map = map;
        this.vhosts = vhosts;
    }

    /** The permissions kept in {@code engine}, in the vhosts kept there. */
    public static PermissionStore open(LogEngine engine) throws IOException {
        return new PermissionStore(engine.durableMap(NAMESPACE), VhostStore.open(engine));
    }

    /** What {@code user} may do in {@code vhost}; empty when it may not use the vhost at all. */
    public Optional<VhostPermissions> permissions(String user, String vhost) {
        return map.get(key(vhost, user)).map(bytes -> decode(user, bytes));
    }

    /** {@code user}'s permissions, by vhost. */
    public Map<String, VhostPermissions> of(String user) {
        Map<String, VhostPermissions> found = new TreeMap<>();
        map.all().forEach((key, bytes) -> {
            int nul = key.indexOf('\0');
            if (key.substring(nul + 1).equals(user)) {
                found.put(key.substring(0, nul), decode(user, bytes));
            }
        });
        return found;
    }

    /**
     * Grants {@code permissions} to {@code user} in {@code vhost}, replacing what it had there.
     *
     * @throws IllegalArgumentException for a vhost that does not exist or an empty user name
     */
    public synchronized void set(String user, String vhost, VhostPermissions permissions) throws IOException {
        if (!vhosts.exists(vhost)) {
            throw new IllegalArgumentException("no vhost '" + vhost + "' (trilog vhosts add makes one)");
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("Username must not be empty");
        }
        map.put(key(vhost, user), encode(permissions));
    }

    /** Takes {@code user}'s permissions in {@code vhost} away; false when it had none. */
    public synchronized boolean clear(String user, String vhost) throws IOException {
        String key = key(vhost, user);
        if (map.get(key).isEmpty()) {
            return false;
        }
        map.remove(key);
        return true;
    }

    /** Takes every permission of {@code user} away (the user is being removed). */
    public synchronized void clearAll(String user) throws IOException {
        for (String vhost : of(user).keySet()) {
            map.remove(key(vhost, user));
        }
    }

    /** Takes every user's permissions in {@code vhost} away (the vhost is being deleted). */
    public synchronized void clearVhost(String vhost) throws IOException {
        String prefix = vhost + '\0';
        for (String key : map.all().keySet()) {
            if (key.startsWith(prefix)) {
                map.remove(key);
            }
        }
    }

    private static String key(String vhost, String user) {
        return vhost + '\0' + user;
    }

    private static byte[] encode(VhostPermissions permissions) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(permissions.configure());
            out.writeUTF(permissions.write());
            out.writeUTF(permissions.read());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return bytes.toByteArray();
    }

    private static VhostPermissions decode(String user, byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("the permissions of user '" + user + "' are stored in format "
                        + version + ", which this version cannot read");
            }
            return new VhostPermissions(in.readUTF(), in.readUTF(), in.readUTF());
        } catch (IOException e) {
            throw new IllegalStateException("the permissions of user '" + user + "' cannot be read: " + e, e);
        }
    }
}
