package dev.trilog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trilog.frontend.auth.UserStore;
import dev.trilog.frontend.ConnectionLimits;
import dev.trilog.kafka.group.GroupSettings;
import dev.trilog.kafka.network.KafkaMetrics;
import dev.trilog.kafka.security.AclSettings;
import dev.trilog.kafka.security.SaslSettings;
import dev.trilog.kafka.security.TlsPrincipals;
import dev.trilog.kafka.share.ShareSettings;
import dev.trilog.kafka.txn.TransactionSettings;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import dev.trilog.log.Topic;
import dev.trilog.routing.queue.Queues;
import dev.trilog.routing.queue.QueuesSettings;
import dev.trilog.routing.topology.Topology;
import dev.trilog.testsupport.LoggedFailures;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target for the Kafka API handlers of a real broker: a {@link KafkaServer} on loopback over
 * an engine in a temporary directory, with the queue layer and the user store, as the gateway
 * runs it. The input is a client's byte stream of size-prefixed requests; the frames kafka-clients
 * reads (header and body, as {@code KafkaConnection} reads them) are sent on one connection, the
 * others left out — {@code KafkaRequestFuzzTest} covers what an unreadable frame does. So every
 * request that arrives is parseable but may be odd in any field, and reaches its real handler.
 * What must hold:
 * <ul>
 *   <li>each request is answered, in order, with its API's response at its version (a produce
 *       with {@code acks=0} with none), never with {@code UNKNOWN_SERVER_ERROR}, and nothing is
 *       logged as an internal error (the connection logs a handler's exception with its stack);</li>
 *   <li>the connection stays open, and the broker goes on serving: ApiVersions and Metadata
 *       sent after the input are answered.</li>
 * </ul>
 * Requests that may wait — a fetch's or share fetch's {@code max_wait_ms}, a join's rebalance
 * timeout — have the wait capped at {@value #WAIT_CAP_MS} ms before they are sent (then
 * rewritten by kafka-clients), so that an input is over in moments. The broker's state (topics,
 * groups, transactions, records) carries over from input to input; {@value #TOPIC} is there with
 * a fixed topic ID, so seeds can name it by ID. The seeds are {@code KafkaApisFuzzTestInputs/requests/}
 * (written by {@link KafkaApisFuzzSeedsTest}; see docs/fuzzing.md).
 */
class KafkaApisFuzzTest {

    static final String TOPIC = "fuzz";
    static final Uuid TOPIC_ID = new Uuid(0x0123456789abcdefL, 0x0fedcba987654321L);
    static final int WAIT_CAP_MS = 20;
    /** Generous: the machine may be loaded; a request not answered by then is a finding. */
    private static final int ANSWER_WAIT_MS = 60_000;
    private static final int PROBE_CORRELATION_ID = Integer.MIN_VALUE;
    private static final int MAX_PARTITIONS = 2_000;
    private static final LoggedFailures FAILURES = LoggedFailures.capture();

    @TempDir
    static Path dataDir;
    private static LogEngine engine;
    private static Queues queues;
    private static KafkaServer server;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() throws IOException {
        FAILURES.forget(); // what earlier test classes of this JVM logged
        // inputs that create partitions reach the bound within a run (they once used up the
        // process' descriptors); a low bound keeps each create quick and the refusal exercised
        engine = LogEngine.open(EngineSettings.of(dataDir).withMaxPartitions(MAX_PARTITIONS));
        Topology topology = Topology.open(engine);
        queues = Queues.open(engine, topology, QueuesSettings.defaults());
        server = new KafkaServer(settings(), engine, KafkaMetrics.detached(), queues, topology, UserStore.open(engine));
        address = server.start();
    }

    /**
     * Kafka's defaults but for the first rebalance's delay (a join of a new group is answered at
     * once) and the smallest session timeout (1 ms, see {@link #capWaits}).
     */
    private static KafkaServerSettings settings() {
        KafkaServerSettings defaults = KafkaServerSettings.loopback(0);
        return new KafkaServerSettings(defaults.host(), 0, 0, defaults.maxRequestBytes(), true, 1, "", 0,
                new GroupSettings(0, 1, GroupSettings.DEFAULT_MAX_SESSION_TIMEOUT_MS),
                TransactionSettings.DEFAULTS, KafkaTransport.AUTO, KafkaServerSettings.DEFAULT_FETCH_SESSION_CACHE_SLOTS,
                ConnectionLimits.idleTimeout(KafkaServerSettings.DEFAULT_CONNECTIONS_MAX_IDLE_MS), null, TlsProvider.AUTO,
                TlsPrincipals.DEFAULT, ShareSettings.DEFAULTS, SaslSettings.OFF, AclSettings.OFF);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        queues.close();
        engine.close();
    }

    /** A request as it goes on the wire, and what its answer must be read as. */
    private record Sent(byte[] frame, RequestHeader header, boolean answered) {
    }

    @FuzzTest
    void requests(byte[] stream) throws Exception {
        ensureTopicWithItsFixedId();
        List<Sent> requests = readableRequests(stream);
        // Jazzer's SSRF detector stops any connection; this one is the target's own, to the broker
        try (SilentCloseable toTheBroker = BugDetectors.allowNetworkConnections(
                (host, port) -> port == address.getPort() && (host.equals("localhost") || host.startsWith("127.")));
                Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(ANSWER_WAIT_MS);
            OutputStream out = socket.getOutputStream();
            for (Sent request : requests) {
                out.write(request.frame());
            }
            Sent versions = probe(new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1"),
                    ApiKeys.API_VERSIONS, (short) 3);
            Sent metadata = probe(new MetadataRequestData().setTopics(List.of()), ApiKeys.METADATA, (short) 12);
            out.write(versions.frame());
            out.write(metadata.frame());
            out.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            Map<Sent, AbstractResponse> answers = new LinkedHashMap<>();
            for (Sent request : requests) {
                if (request.answered()) {
                    answers.put(request, answerTo(request, in));
                }
            }
            AbstractResponse versionsAnswer = answerTo(versions, in);
            MetadataResponseData cluster = ((MetadataResponse) answerTo(metadata, in)).data();
            // a handler's exception is logged before its answer is written: its stack, if any, is the finding
            FAILURES.throwFirst();
            answers.forEach((request, response) -> assertThat(response.errorCounts())
                    .as("%s v%d answered", request.header().apiKey(), request.header().apiVersion())
                    .doesNotContainKey(Errors.UNKNOWN_SERVER_ERROR));
            assertThat(versionsAnswer.errorCounts()).containsOnlyKeys(Errors.NONE);
            assertThat(cluster.brokers()).as("the broker still serving").isNotEmpty();
        }
    }

    /** The seeds name {@value #TOPIC} by its ID too; an input may have deleted it, or never found it there. */
    private static void ensureTopicWithItsFixedId() throws Exception {
        if (engine.topic(TOPIC).isEmpty() && engine.topicById(TOPIC_ID).isEmpty()) {
            engine.replica().createTopic(new Topic(TOPIC, TOPIC_ID, 2, Map.of()));
        }
    }

    /** The frames of {@code stream} that kafka-clients reads as requests, waits capped; stops at a size that does not fit. */
    private static List<Sent> readableRequests(byte[] stream) {
        List<Sent> requests = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(stream);
        while (in.remaining() >= Integer.BYTES) {
            int size = in.getInt();
            if (size < 0 || size > in.remaining()) {
                break;
            }
            ByteBuffer frame = in.slice().limit(size);
            in.position(in.position() + size);
            readable(frame).ifPresent(requests::add);
        }
        return requests;
    }

    private static Optional<Sent> readable(ByteBuffer frame) {
        ByteBuffer bytes = frame.duplicate();
        RequestHeader header;
        RequestAndSize parsed;
        try {
            header = RequestHeader.parse(bytes);
            parsed = context(header).parseRequest(bytes);
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
        boolean answered = !(parsed.request instanceof ProduceRequest produce && produce.acks() == 0);
        ApiMessage body = parsed.request.data();
        if (!capWaits(body)) {
            return Optional.of(new Sent(sizePrefixed(frame.duplicate()), header, answered));
        }
        try {
            return Optional.of(new Sent(frame(header, body), header, answered));
        } catch (RuntimeException unwritable) {
            return Optional.empty(); // what kafka-clients reads but will not write (a tagged field twice)
        }
    }

    /** Caps the time the request may keep the broker waiting; true when it changed anything. */
    private static boolean capWaits(ApiMessage body) {
        if (body instanceof FetchRequestData fetch && fetch.maxWaitMs() > WAIT_CAP_MS) {
            fetch.setMaxWaitMs(WAIT_CAP_MS);
            return true;
        }
        if (body instanceof ShareFetchRequestData fetch && fetch.maxWaitMs() > WAIT_CAP_MS) {
            fetch.setMaxWaitMs(WAIT_CAP_MS);
            return true;
        }
        if (body instanceof JoinGroupRequestData join) {
            boolean changed = false;
            if (join.rebalanceTimeoutMs() > WAIT_CAP_MS) {
                join.setRebalanceTimeoutMs(WAIT_CAP_MS);
                changed = true;
            }
            if (join.rebalanceTimeoutMs() < 0 && join.sessionTimeoutMs() > WAIT_CAP_MS) {
                // v0 has no rebalance timeout (and a negative one names none): the coordinator
                // waits for the session timeout instead, which the settings let be this short
                join.setSessionTimeoutMs(WAIT_CAP_MS);
                changed = true;
            }
            return changed;
        }
        return false;
    }

    private static RequestContext context(RequestHeader header) {
        return new RequestContext(header, "fuzz", InetAddress.getLoopbackAddress(), Optional.empty(),
                KafkaPrincipal.ANONYMOUS, ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT),
                SecurityProtocol.PLAINTEXT, ClientInformation.EMPTY, false);
    }

    private static Sent probe(ApiMessage body, ApiKeys api, short version) {
        RequestHeader header = new RequestHeader(api, version, "fuzz-probe", PROBE_CORRELATION_ID);
        return new Sent(frame(header, body), header, true);
    }

    static byte[] frame(RequestHeader header, ApiMessage body) {
        ByteBuffer head = MessageUtil.toByteBufferAccessor(header.data(), header.headerVersion()).buffer();
        ByteBuffer rest = MessageUtil.toByteBufferAccessor(body, header.apiVersion()).buffer();
        ByteBuffer frame = ByteBuffer.allocate(Integer.BYTES + head.remaining() + rest.remaining());
        frame.putInt(head.remaining() + rest.remaining()).put(head).put(rest);
        return frame.array();
    }

    private static byte[] sizePrefixed(ByteBuffer frame) {
        ByteBuffer prefixed = ByteBuffer.allocate(Integer.BYTES + frame.remaining());
        prefixed.putInt(frame.remaining()).put(frame);
        return prefixed.array();
    }

    /** The next answer on the connection, which must be {@code request}'s and read back at its version, to its end. */
    private static AbstractResponse answerTo(Sent request, DataInputStream in) throws IOException {
        ApiKeys api = request.header().apiKey();
        // an ApiVersions at a version kafka-clients does not know is answered at v0, as Kafka does
        short version = api == ApiKeys.API_VERSIONS && !api.isVersionSupported(request.header().apiVersion()) ? 0
                : request.header().apiVersion();
        byte[] answer;
        try {
            answer = new byte[in.readInt()];
            in.readFully(answer);
        } catch (EOFException closed) {
            throw new AssertionError("the broker closed the connection before answering " + api + " v" + version, closed);
        } catch (SocketTimeoutException silent) {
            throw new AssertionError("no answer to " + api + " v" + version + " within " + ANSWER_WAIT_MS + " ms", silent);
        }
        ByteBuffer buffer = ByteBuffer.wrap(answer);
        ResponseHeader header = ResponseHeader.parse(buffer, api.responseHeaderVersion(version));
        assertThat(header.correlationId()).as("the answer to %s v%d, in order", api, version)
                .isEqualTo(request.header().correlationId());
        AbstractResponse response = AbstractResponse.parseResponse(api, new ByteBufferAccessor(buffer), version);
        assertThat(buffer.hasRemaining()).as("%s v%d read to its end", api, version).isFalse();
        return response;
    }
}
