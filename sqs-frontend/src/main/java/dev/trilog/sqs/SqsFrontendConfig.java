package dev.trilog.sqs;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.ConfigValue;
import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.ServerTls;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The configuration keys the SQS frontend owns, and how their values become {@link SqsSettings}. */
public final class SqsFrontendConfig {

    public static final String PORT = "sqs.port";
    /** The host[:port] SQS queue URLs name; empty = the client's Host header (so URLs follow the name it used). */
    public static final String HOST = "sqs.host";
    /** The account id in SQS queue URLs and ARNs. */
    public static final String ACCOUNT_ID = "sqs.account-id";
    /** The region in SQS ARNs. */
    public static final String REGION = "sqs.region";
    /** {@code AKID:SECRET,…}; when set, SQS requests must carry a valid Signature V4 by one of these keys. */
    public static final String ACCESS_KEYS = "sqs.access-keys";
    /** Access key ids (among {@link #ACCESS_KEYS}) that queue policies do not restrict: the account's administrators. */
    public static final String OWNER_KEYS = "sqs.owner-keys";
    public static final String IDLE_TIMEOUT_MS = "sqs.idle-timeout-ms";
    public static final String MAX_CONNECTIONS = "sqs.max-connections";
    public static final String MAX_CONNECTIONS_PER_IP = "sqs.max-connections-per-ip";
    /** {@code sqs.tls.certificate}, {@code sqs.tls.private-key}, {@code sqs.tls.client-ca}: HTTPS, see {@link ServerTls}. */
    static final String TLS_PREFIX = "sqs";

    public static final List<ConfigKey> KEYS = Stream.of(Stream.of(
            ConfigKey.of(PORT, "9324", "SQS HTTP port, both wire protocols (0 = any free port)."),
            ConfigKey.of(HOST, "",
                    "The host[:port] SQS queue URLs name; empty = the client's Host header."),
            ConfigKey.of(ACCOUNT_ID, SqsSettings.DEFAULT_ACCOUNT_ID, "The account id in queue URLs and ARNs (12 digits)."),
            ConfigKey.of(REGION, SqsSettings.DEFAULT_REGION, "The region in ARNs."),
            ConfigKey.secret(ACCESS_KEYS, "",
                    "AKID:SECRET,...; when set, every SQS request must carry a valid Signature V4 by one of"
                            + " these keys; empty accepts any credentials."),
            ConfigKey.of(OWNER_KEYS, "", "Access key ids, comma-separated, among sqs.access-keys, that queue"
                    + " policies do not restrict (bar an explicit Deny): the queue owner's administrators. Every other"
                    + " key needs an Allow on a queue that has a Policy (docs/sqs.md).")),
            ConnectionLimits.keys("SQS", IDLE_TIMEOUT_MS, SqsSettings.DEFAULT_IDLE_TIMEOUT_MS,
                    "An SQS connection is closed after waiting this long for the client's bytes (before, between or"
                            + " inside requests) or for it to take an answer (0 = never); long polls are not cut.",
                    MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP).stream(),
            ServerTls.keys(TLS_PREFIX).stream()).flatMap(keys -> keys).toList();

    private SqsFrontendConfig() {
    }

    /**
     * The SQS frontend's settings from the effective configuration.
     *
     * @throws dev.trilog.frontend.InvalidConfigException naming the first bad key, its value and source
     */
    public static SqsSettings read(FrontendConfig config) {
        int port = config.port(PORT);
        String accountId = config.string(ACCOUNT_ID);
        if (!accountId.matches("[0-9]{12}")) {
            throw config.invalid(ACCOUNT_ID, "an AWS account id is 12 digits");
        }
        String region = config.string(REGION);
        if (!region.matches("[a-z0-9-]+")) {
            throw config.invalid(REGION, "expected a region name such as us-east-1");
        }
        String host = config.string(HOST);
        return new SqsSettings(config.listenHost(), port, host.isEmpty() ? null : host, accountId, region,
                accessKeys(config), ownerKeys(config), ConnectionLimits.read(config, IDLE_TIMEOUT_MS, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP),
                ServerTls.fromConfig(config, TLS_PREFIX).orElse(null));
    }

    private static Set<String> ownerKeys(FrontendConfig config) {
        Set<String> owners = new LinkedHashSet<>();
        for (String key : config.string(OWNER_KEYS).split(",")) {
            if (!key.isBlank()) {
                owners.add(key.trim());
            }
        }
        Map<String, String> accessKeys = accessKeys(config);
        for (String owner : owners) {
            if (!accessKeys.containsKey(owner)) {
                throw config.invalid(OWNER_KEYS, "access key ids that " + ACCESS_KEYS + " configures ('" + owner
                        + "' is not one of them)");
            }
        }
        return owners;
    }

    private static Map<String, String> accessKeys(FrontendConfig config) {
        ConfigValue keys = config.value(ACCESS_KEYS);
        Map<String, String> accessKeys = new LinkedHashMap<>();
        if (!keys.value().isBlank()) {
            for (String pair : keys.value().split(",")) {
                int colon = pair.indexOf(':');
                if (colon <= 0 || colon == pair.length() - 1) {
                    throw config.invalid(ACCESS_KEYS, "expected ACCESS_KEY_ID:SECRET_ACCESS_KEY pairs separated by commas");
                }
                accessKeys.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
            }
        }
        return accessKeys;
    }
}
