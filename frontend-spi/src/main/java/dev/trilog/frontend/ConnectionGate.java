package dev.trilog.frontend;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a listener's open connections, in all and by peer address, and refuses one that would
 * go over its {@link ConnectionLimits}: the listener closes a refused connection as soon as it
 * is accepted, as Kafka does over {@code max.connections.per.ip}. (Kafka stops accepting at
 * {@code max.connections} instead, leaving new connections waiting in the backlog; closing them
 * tells the client at once, and it retries with its reconnect back-off.)
 *
 * <p>Each limit logs one line when it first refuses a connection, then at most one a minute
 * while it goes on refusing, with the count refused in between; every refusal is counted with
 * the limit's key (a meter). Safe for any thread.
 */
public final class ConnectionGate {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String listener;
    private final ConnectionLimits limits;
    private final Consumer<String> refusals;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, Integer> openByAddress = new ConcurrentHashMap<>();
    private final Limit total;
    private final Limit perAddress;

    /**
     * @param listener   the listener's name in log lines ({@code Kafka}, {@code SQS})
     * @param maxKey     the key that sets {@link ConnectionLimits#maxConnections}, named in log lines and meters
     * @param perIpKey   the key that sets {@link ConnectionLimits#maxConnectionsPerIp}
     * @param refusals   told the key of the limit each time a connection is refused (a counter)
     */
    public ConnectionGate(String listener, ConnectionLimits limits, String maxKey, String perIpKey,
            Consumer<String> refusals) {
        this.listener = listener;
        this.limits = limits;
        this.refusals = refusals;
        this.total = new Limit(maxKey, limits.maxConnections());
        this.perAddress = new Limit(perIpKey, limits.maxConnectionsPerIp());
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /** Connections admitted and not yet released. */
    public int open() {
        return open.get();
    }

    /**
     * Counts a connection just accepted from {@code address}, or refuses it (then logs, counts
     * and returns false; the caller closes it). An admitted connection must be
     * {@link #release released} exactly once, when it closes.
     */
    public boolean admit(InetAddress address) {
        if (limitsPerAddress() && !takePerAddress(address)) {
            refuse(perAddress, address);
            return false;
        }
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            if (limitsPerAddress()) {
                releasePerAddress(address);
            }
            refuse(total, address);
            return false;
        }
        return true;
    }

    /** Uncounts a connection {@link #admit} let in, once it has closed. */
    public void release(InetAddress address) {
        open.decrementAndGet();
        if (limitsPerAddress()) {
            releasePerAddress(address);
        }
    }

    private boolean limitsPerAddress() {
        return limits.maxConnectionsPerIp() != ConnectionLimits.UNLIMITED;
    }

    private boolean takePerAddress(InetAddress address) {
        boolean[] taken = {false};
        openByAddress.compute(address, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limits.maxConnectionsPerIp()) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private void releasePerAddress(InetAddress address) {
        openByAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }

    private void refuse(Limit limit, InetAddress address) {
        refusals.accept(limit.key);
        long now = System.nanoTime();
        long last = limit.lastLogged.get();
        if ((last == Long.MIN_VALUE || now - last >= LOG_INTERVAL_NANOS) && limit.lastLogged.compareAndSet(last, now)) {
            long more = limit.unlogged.getAndSet(0);
            log.warn("Refusing {} connection from {}: {} ({}) reached{}", listener, address.getHostAddress(), limit.key,
                    limit.value, more == 0 ? "" : "; " + more + " more refused since the last such line");
        } else {
            limit.unlogged.incrementAndGet();
        }
    }

    /** One limit's key and value, and when it last logged. */
    private static final class Limit {
        final String key;
        final int value;
        final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong unlogged = new AtomicLong();

        Limit(String key, int value) {
            this.key = key;
            this.value = value;
        }
    }
}
