package dev.trilog.sqs;

import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.frontend.ServerTls;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the SQS frontend is set up.
 *
 * @param host       address to bind
 * @param port       port to bind, 0 for any free one
 * @param fixedHost  host[:port] queue URLs name regardless of the client's Host header; null to follow the header
 * @param accountId  the account id in queue URLs and ARNs (12 digits)
 * @param region     the region in ARNs
 * @param accessKeys secret keys by access key id; when not empty every request must carry a valid SigV4 signature
 * @param ownerKeys  the access key ids queue policies do not restrict (bar an explicit Deny): the account's administrators
 * @param connections sqs.idle-timeout-ms, sqs.max-connections and sqs.max-connections-per-ip
 * @param tls        the listener's TLS identity (HTTPS); null = plain HTTP
 */
public record SqsSettings(String host, int port, String fixedHost, String accountId, String region,
                          Map<String, String> accessKeys, Set<String> ownerKeys, ConnectionLimits connections,
                          ServerTls tls) {

    public static final String DEFAULT_ACCOUNT_ID = "000000000000";
    public static final String DEFAULT_REGION = "us-east-1";
    /**
     * The idle time-out of AWS's load balancers (ALB, CLB: 60 s), Undertow's own for a connection
     * between requests, and three times SQS's longest long poll.
     */
    public static final int DEFAULT_IDLE_TIMEOUT_MS = 60_000;
    public static final ConnectionLimits DEFAULT_CONNECTIONS = ConnectionLimits.idleTimeout(DEFAULT_IDLE_TIMEOUT_MS);

    public SqsSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(region, "region");
        if (!accountId.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("an AWS account id is 12 digits, not '" + accountId + "'");
        }
        accessKeys = Map.copyOf(accessKeys);
        ownerKeys = Set.copyOf(ownerKeys);
        if (!accessKeys.keySet().containsAll(ownerKeys)) {
            throw new IllegalArgumentException("every owner key must be one of the access keys");
        }
        Objects.requireNonNull(connections, "connections");
    }

    /** Loopback defaults with any free port: for tests. */
    public static SqsSettings local() {
        return new SqsSettings("127.0.0.1", 0, null, DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Map.of(), Set.of(),
                DEFAULT_CONNECTIONS, null);
    }

    /** The same listener with other connection limits. */
    public SqsSettings withConnections(ConnectionLimits value) {
        return new SqsSettings(host, port, fixedHost, accountId, region, accessKeys, ownerKeys, value, tls);
    }

    /** The same listener over HTTPS with {@code value} (null: plain HTTP). */
    public SqsSettings withTls(ServerTls value) {
        return new SqsSettings(host, port, fixedHost, accountId, region, accessKeys, ownerKeys, connections, value);
    }

    /** The same listener verifying these keys ({@code AKID → secret}), of which {@code owners} are the owner keys. */
    public SqsSettings withAccessKeys(Map<String, String> keys, Set<String> owners) {
        return new SqsSettings(host, port, fixedHost, accountId, region, keys, owners, connections, tls);
    }
}
