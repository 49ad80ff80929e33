package dev.trilog.kafka.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * The one table of the Kafka APIs Trilog answers: API key → handler. ApiVersions is derived
 * from it, advertising for each implemented API the full version range kafka-clients'
 * generated classes read and write (Produce from version 0, as Kafka does since
 * KAFKA-18659, so old librdkafka keeps compression and idempotence). An API that is not in
 * the table gets UNSUPPORTED_VERSION in its own response format.
 */
public final class ApiTable {

    private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);
    /** Who serves what in a cluster; null for a table that serves everything (one node, tests). */
    private final ClusterRouting routing;
    /** APIs answered only up to a version below kafka-clients' latest (a newer one needs a feature Trilog lacks). */
    private final Map<ApiKeys, Short> maxVersions = new EnumMap<>(ApiKeys.class);
    /** Who may do what: every request passes it once routed (the authorizer, when on). */
    private RequestGate gate = RequestGate.OPEN;

    public ApiTable() {
        this(null);
    }

    /** A table that, on a clustered node that does not lead, refuses what only the leader serves ({@link LeaderGate}). */
    public ApiTable(ClusterRouting routing) {
        this.routing = routing;
        handlers.put(ApiKeys.API_VERSIONS, this::apiVersions);
    }

    /** Registers the handler of {@code key}; one handler per key. */
    public ApiTable register(ApiKeys key, ApiHandler handler) {
        if (handlers.putIfAbsent(key, handler) != null) {
            throw new IllegalStateException("two handlers for " + key);
        }
        return this;
    }

    /** Registers the handler of {@code key}, advertised and answered only up to {@code maxVersion}. */
    public ApiTable register(ApiKeys key, short maxVersion, ApiHandler handler) {
        register(key, handler);
        maxVersions.put(key, maxVersion);
        return this;
    }

    /** Sets what every routed request passes before its handler; set before the listener opens. */
    public ApiTable gate(RequestGate value) {
        this.gate = value;
        return this;
    }

    public Map<ApiKeys, ApiHandler> handlers() {
        return Collections.unmodifiableMap(handlers);
    }

    /** Routes a request to its handler; an unknown API gets UNSUPPORTED_VERSION. */
    public CompletableFuture<Reply> dispatch(KafkaRequest request) {
        ApiHandler handler = handlers.get(request.apiKey());
        if (handler == null) {
            return CompletableFuture.completedFuture(request.error(new UnsupportedVersionException(
                    "Trilog does not support " + request.apiKey().name + " yet")));
        }
        if (maxVersions.containsKey(request.apiKey()) && request.version() > maxVersion(request.apiKey())) {
            return CompletableFuture.completedFuture(request.error(new UnsupportedVersionException(
                    "Trilog supports " + request.apiKey().name + " up to version " + maxVersion(request.apiKey()))));
        }
        if (routing != null && !routing.leadsHere()) {
            var refusal = LeaderGate.refusalOffLeader(request, routing.leader(), routing.leaderEpoch());
            if (refusal.isPresent()) {
                return CompletableFuture.completedFuture(refusal.get());
            }
        }
        return gate.handle(request, handler);
    }

    /** The advertised versions: what kafka-clients can read and write, for each API in the table. */
    public ApiVersionCollection advertisedVersions() {
        ApiVersionCollection versions = new ApiVersionCollection();
        for (ApiKeys key : handlers.keySet()) {
            short min = key == ApiKeys.PRODUCE ? ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION : key.oldestVersion();
            versions.add(new ApiVersion().setApiKey(key.id).setMinVersion(min).setMaxVersion(maxVersion(key)));
        }
        return versions;
    }

    private short maxVersion(ApiKeys key) {
        return maxVersions.getOrDefault(key, key.latestVersion());
    }

    private CompletableFuture<Reply> apiVersions(KafkaRequest request) {
        ApiVersionsRequest body = (ApiVersionsRequest) request.body();
        ApiVersionsResponseData data = new ApiVersionsResponseData();
        if (body.hasUnsupportedRequestVersion()) {
            // Answered in v0 by kafka-clients' RequestContext, with our versions so the client can pick.
            data.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        } else if (!body.isValid()) {
            data.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        data.setApiKeys(advertisedVersions());
        return CompletableFuture.completedFuture(Reply.of(new ApiVersionsResponse(data)));
    }
}
