package dev.trilog.kafka;

import dev.trilog.kafka.network.KafkaMetrics;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.log.LogEngine;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.topology.Topology;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/** The frontend's API table over an engine, without a network listener, and requests to hand it. */
public final class KafkaTestApis {

    private KafkaTestApis() {
    }

    public static ApiTable apis(LogEngine engine) {
        KafkaServerSettings settings = KafkaServerSettings.loopback(9092);
        KafkaContext context = KafkaApis.context(engine, settings, Executors.newSingleThreadScheduledExecutor());
        return KafkaApis.table(context, settings, null, null, null, KafkaMetrics.detached()).table();
    }

    /**
     * {@link #apis} with the share-group APIs over {@code queues} and the SCRAM credential APIs over
     * the engine's users, as the gateway runs the listener.
     */
    public static ApiTable apis(LogEngine engine, Queues queues, Topology topology) {
        KafkaServerSettings settings = KafkaServerSettings.loopback(9092);
        KafkaContext context = KafkaApis.context(engine, settings, Executors.newSingleThreadScheduledExecutor());
        try {
            return KafkaApis.table(context, settings, queues, topology,
                    dev.trilog.frontend.auth.UserStore.open(engine), KafkaMetrics.detached()).table();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code body} as a handler receives it, from a loopback client, at the body's version. */
    public static KafkaRequest request(AbstractRequest body) {
        RequestHeader header = new RequestHeader(body.apiKey(), body.version(), "test-client", 7);
        RequestContext context = new RequestContext(header, "conn", InetAddress.getLoopbackAddress(), Optional.empty(),
                KafkaPrincipal.ANONYMOUS, ListenerName.normalised("PLAINTEXT"), SecurityProtocol.PLAINTEXT,
                ClientInformation.EMPTY, false);
        return new KafkaRequest(context, body);
    }
}
