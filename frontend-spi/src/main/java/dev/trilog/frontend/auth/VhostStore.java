package dev.trilog.frontend.auth;

import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.address.VhostNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The AMQP virtual hosts an operator made ({@code trilog vhosts}, {@code /api/v1/vhosts}): one
 * entry per vhost in the engine's durable map {@value #NAMESPACE} — the metadata log, fsynced
 * before a change returns and replicated in a cluster, as {@link PermissionStore} keeps the
 * permissions — the value one version byte (1). The vhost {@value VhostNames#DEFAULT} always
 * exists and is not stored.
 *
 * <p>This store only says which vhosts exist. What a deletion takes with it — the vhost's
 * queues, exchanges and bindings ({@code Topology.deleteVhost}), its connections, its
 * permissions — is done by whoever deletes it; the frontends learn of it through
 * {@link #onDeleted}, to close the vhost's connections.
 */
public final class VhostStore {

    static final String NAMESPACE = "amqp-vhosts";
    private static final byte[] VALUE = {1};

    private final DurableMap map;
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();

    VhostStore(DurableMap map) {
        this.map = map;
    }

    /** The vhosts kept in {@code engine}. */
    public static VhostStore open(LogEngine engine) throws IOException {
        return new VhostStore(engine.durableMap(NAMESPACE));
    }

    /** Whether {@code vhost} exists: {@value VhostNames#DEFAULT} always does. */
    public boolean exists(String vhost) {
        return VhostNames.DEFAULT.equals(vhost) || vhost != null && map.get(vhost).isPresent();
    }

    /** Every vhost, {@value VhostNames#DEFAULT} first, the others by name. */
    public List<String> list() {
        List<String> all = new ArrayList<>();
        all.add(VhostNames.DEFAULT);
        all.addAll(new TreeSet<>(map.all().keySet()));
        return all;
    }

    /**
     * Creates {@code vhost}; false when it exists already (RabbitMQ's {@code add_vhost} of an
     * existing one changes nothing either).
     *
     * @throws IllegalArgumentException for a name that cannot be a vhost's ({@link VhostNames#checkVhostName})
     */
    public synchronized boolean add(String vhost) throws IOException {
        VhostNames.checkVhostName(vhost);
        if (exists(vhost)) {
            return false;
        }
        map.put(vhost, VALUE);
        return true;
    }

    /**
     * Forgets {@code vhost}, so no connection opens it any more, then tells the
     * {@link #onDeleted} listeners; false when there was no such vhost.
     *
     * @throws IllegalArgumentException for {@value VhostNames#DEFAULT}, which cannot be deleted
     */
    public synchronized boolean delete(String vhost) throws IOException {
        if (VhostNames.DEFAULT.equals(vhost)) {
            throw new IllegalArgumentException("vhost '/' cannot be deleted");
        }
        if (!exists(vhost)) {
            return false;
        }
        map.remove(vhost);
        deletionListeners.forEach(listener -> listener.accept(vhost));
        return true;
    }

    /** Calls {@code listener} with each vhost this store deletes, once it is gone (a frontend closes its connections). */
    public void onDeleted(Consumer<String> listener) {
        deletionListeners.add(listener);
    }
}
