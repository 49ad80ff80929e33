package dev.trilog.kafka;

import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.frontend.ServerTls;
import dev.trilog.kafka.group.GroupSettings;
import dev.trilog.kafka.security.AclSettings;
import dev.trilog.kafka.security.SaslSettings;
import dev.trilog.kafka.security.TlsPrincipals;
import dev.trilog.kafka.share.ShareSettings;
import dev.trilog.kafka.txn.TransactionSettings;
import java.util.Objects;

/**
 * How the Kafka frontend listens and behaves.
 *
 * @param host                   address to bind (and to advertise in Metadata)
 * @param port                   port to bind; 0 picks a free one
 * @param nodeId                 this broker's id in Metadata and FindCoordinator
 * @param maxRequestBytes        socket.request.max.bytes: a larger frame closes the connection before anything is allocated
 * @param autoCreateTopics       auto.create.topics.enable: Metadata creates unknown topics
 * @param defaultPartitions      num.partitions for auto-created topics
 * @param advertisedHost         the host clients are told to connect to; empty means {@code host}
 * @param advertisedPort         the port clients are told to connect to; 0 means the bound port
 * @param groups                 the group coordinator's settings (rebalance delay, session timeout bounds)
 * @param transactions           the transaction coordinator's settings (timeout bound, abort check interval)
 * @param transport              the Netty transport: epoll where available ({@code AUTO}), or a forced one
 * @param fetchSessionCacheSlots max.incremental.fetch.session.cache.slots: the incremental fetch sessions kept (0 = none)
 * @param connections            connections.max.idle.ms, max.connections and max.connections.per.ip
 * @param tls                    the listener's TLS identity (Kafka's SSL security protocol); null = plain TCP
 * @param tlsProvider            the engine that encrypts it ({@code kafka.tls.provider})
 * @param tlsPrincipals          who a client with a certificate is, without SASL ({@code kafka.tls.principal-mapping-rules})
 * @param shareGroups            the share groups' lock duration, delivery count limit, session timeout and heartbeat interval
 * @param sasl                   the SASL mechanisms offered (none: no SASL), re-authentication and failed-login delay
 * @param acls                   the authorizer: off, or on with its super users ({@code kafka.authorizer}, {@code super.users})
 */
public record KafkaServerSettings(
        String host,
        int port,
        int nodeId,
        int maxRequestBytes,
        boolean autoCreateTopics,
        int defaultPartitions,
        String advertisedHost,
        int advertisedPort,
        GroupSettings groups,
        TransactionSettings transactions,
        KafkaTransport transport,
        int fetchSessionCacheSlots,
        ConnectionLimits connections,
        ServerTls tls,
        TlsProvider tlsProvider,
        TlsPrincipals tlsPrincipals,
        ShareSettings shareGroups,
        SaslSettings sasl,
        AclSettings acls) {

    public static final int DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;
    /** Kafka's default for {@code max.incremental.fetch.session.cache.slots}. */
    public static final int DEFAULT_FETCH_SESSION_CACHE_SLOTS = 1000;
    /** Kafka's {@code connections.max.idle.ms}: 10 minutes. */
    public static final int DEFAULT_CONNECTIONS_MAX_IDLE_MS = 600_000;
    /** Kafka's defaults: connections closed after 10 idle minutes, no limit on how many. */
    public static final ConnectionLimits DEFAULT_CONNECTIONS = ConnectionLimits.idleTimeout(DEFAULT_CONNECTIONS_MAX_IDLE_MS);

    public KafkaServerSettings {
        Objects.requireNonNull(host, "host");
        advertisedHost = advertisedHost == null ? "" : advertisedHost;
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(transactions, "transactions");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(shareGroups, "shareGroups");
        Objects.requireNonNull(tlsProvider, "tlsProvider");
        Objects.requireNonNull(tlsPrincipals, "tlsPrincipals");
        Objects.requireNonNull(sasl, "sasl");
        Objects.requireNonNull(acls, "acls");
        if (maxRequestBytes <= 0 || defaultPartitions <= 0) {
            throw new IllegalArgumentException("maxRequestBytes and defaultPartitions must be positive");
        }
        if (fetchSessionCacheSlots < 0) {
            throw new IllegalArgumentException("fetchSessionCacheSlots must not be negative");
        }
    }

    public static KafkaServerSettings loopback(int port) {
        return new KafkaServerSettings("127.0.0.1", port, 0, DEFAULT_MAX_REQUEST_BYTES, true, 1, "", 0,
                GroupSettings.DEFAULTS, TransactionSettings.DEFAULTS, KafkaTransport.AUTO, DEFAULT_FETCH_SESSION_CACHE_SLOTS,
                DEFAULT_CONNECTIONS, null, TlsProvider.AUTO, TlsPrincipals.DEFAULT, ShareSettings.DEFAULTS, SaslSettings.OFF,
                AclSettings.OFF);
    }

    /** The same listener with other connection limits. */
    public KafkaServerSettings withConnections(ConnectionLimits value) {
        return new KafkaServerSettings(host, port, nodeId, maxRequestBytes, autoCreateTopics, defaultPartitions,
                advertisedHost, advertisedPort, groups, transactions, transport, fetchSessionCacheSlots, value, tls,
                tlsProvider, tlsPrincipals, shareGroups, sasl, acls);
    }

    public KafkaServerSettings withTls(ServerTls value) {
        return new KafkaServerSettings(host, port, nodeId, maxRequestBytes, autoCreateTopics, defaultPartitions,
                advertisedHost, advertisedPort, groups, transactions, transport, fetchSessionCacheSlots, connections, value,
                tlsProvider, tlsPrincipals, shareGroups, sasl, acls);
    }

    /** The same listener with its TLS encrypted by {@code value}. */
    public KafkaServerSettings withTlsProvider(TlsProvider value) {
        return new KafkaServerSettings(host, port, nodeId, maxRequestBytes, autoCreateTopics, defaultPartitions,
                advertisedHost, advertisedPort, groups, transactions, transport, fetchSessionCacheSlots, connections, tls,
                value, tlsPrincipals, shareGroups, sasl, acls);
    }

    /** The same listener naming certificate-holding clients by {@code value}'s rules. */
    public KafkaServerSettings withTlsPrincipals(TlsPrincipals value) {
        return new KafkaServerSettings(host, port, nodeId, maxRequestBytes, autoCreateTopics, defaultPartitions,
                advertisedHost, advertisedPort, groups, transactions, transport, fetchSessionCacheSlots, connections, tls,
                tlsProvider, value, shareGroups, sasl, acls);
    }

    public KafkaServerSettings withSasl(SaslSettings value) {
        return new KafkaServerSettings(host, port, nodeId, maxRequestBytes, autoCreateTopics, defaultPartitions,
                advertisedHost, advertisedPort, groups, transactions, transport, fetchSessionCacheSlots, connections, tls,
                tlsProvider, tlsPrincipals, shareGroups, value, acls);
    }

    public KafkaServerSettings withAcls(AclSettings value) {
        return new KafkaServerSettings(host, port, nodeId, maxRequestBytes, autoCreateTopics, defaultPartitions,
                advertisedHost, advertisedPort, groups, transactions, transport, fetchSessionCacheSlots, connections, tls,
                tlsProvider, tlsPrincipals, shareGroups, sasl, value);
    }

    /** Kafka's name for what the listener speaks: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
    public org.apache.kafka.common.security.auth.SecurityProtocol securityProtocol() {
        return sasl.enabled()
                ? (tls == null ? org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT
                        : org.apache.kafka.common.security.auth.SecurityProtocol.SASL_SSL)
                : (tls == null ? org.apache.kafka.common.security.auth.SecurityProtocol.PLAINTEXT
                        : org.apache.kafka.common.security.auth.SecurityProtocol.SSL);
    }
}
