package dev.trilog.frontend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * One wire protocol served over the log: the contract between the gateway and a frontend module
 * (Kafka, AMQP, SQS). The gateway owns the log, the routing layer, the configuration and the
 * process's life; each frontend owns its server, its settings and its threads. Modelled on
 * Pulsar's {@code ProtocolHandler}.
 *
 * <h2>Being found</h2>
 * A frontend module registers its implementation in
 * {@code META-INF/services/dev.trilog.frontend.Frontend}; the gateway finds every frontend on its
 * class path with {@link Frontends#installed()}. Adding a protocol therefore touches no gateway
 * source: only the gateway's pom, so the module is packaged.
 *
 * <h2>Life cycle</h2>
 * <pre>
 *   new (public no-argument constructor; cheap, opens and binds nothing)
 *    │  name(), configKeys(), portKey(), listens()   at any time
 *    ├─ validate(config)       when the configuration is loaded, before the log opens
 *    ├─ initialize(context)    once the log is open: build the server, bind nothing
 *    ├─ start()                bind and accept; returns the bound address
 *    └─ close()                stop; also after a failed initialize or start
 * </pre>
 * An instance is started at most once; the gateway makes a new one for every start.
 * {@code validate} may be called on an instance that is never started.
 */
public interface Frontend extends AutoCloseable {

    /**
     * Short lower-case name, unique among frontends: {@code kafka}, {@code amqp}, {@code sqs}. The
     * startup banner says {@code <name> listening on <host>:<port>}, and tests find the listener by it.
     */
    String name();

    /**
     * Every configuration key this frontend reads, with its default and a sentence for
     * {@code --help}. No other frontend, nor the gateway or the log engine, may declare the same
     * key: the gateway refuses to start when two do.
     */
    List<ConfigKey> configKeys();

    /**
     * The key, among {@link #configKeys()}, of the port this frontend listens on ({@code kafka.port}).
     * The gateway checks its value and names it when the port cannot be bound
     * ({@code kafka.port 9092 is already in use on 127.0.0.1}).
     */
    String portKey();

    /**
     * Checks the values of this frontend's keys, so that a mistake is reported before anything
     * opens. Must not open, bind or start anything.
     *
     * @throws InvalidConfigException naming the key, the value and its source; the typed readers
     *         of {@link FrontendConfig} throw it for you
     */
    void validate(FrontendConfig config);

    /**
     * False while a protocol's keys are reserved but its server is not written yet (AMQP today):
     * the gateway then accepts and checks the keys, never calls {@link #initialize} or
     * {@link #start}, and the startup banner says nothing listens on the port.
     */
    default boolean listens() {
        return true;
    }

    /**
     * Whether this frontend serves clients from the queue layer ({@link FrontendContext#queues()}):
     * AMQP and SQS. A queue's consumers, locks and acknowledgements live in one node's memory, so
     * in a cluster only the leader serves queues: on the other nodes the gateway forwards this
     * frontend's connections to the leader's, and the frontend itself listens on loopback only
     * (docs/replication.md).
     */
    default boolean servesQueues() {
        return false;
    }

    /**
     * How this frontend's clients prove who they are under {@code config} ("mutual TLS", "Signature V4
     * with sqs.access-keys"), or empty when anyone who reaches its port is served. The gateway warns
     * at start (or refuses, with {@code security.require-auth-off-loopback=true}) when a frontend
     * that answers empty listens beyond loopback. Empty by default.
     */
    default Optional<String> clientAuthentication(FrontendConfig config) {
        return Optional.empty();
    }

    /**
     * Builds the frontend over the open log: its server, its handlers, its own durable state.
     * Binds nothing yet.
     *
     * @throws InvalidConfigException for a bad setting (normally already refused by {@link #validate})
     * @throws IOException when its durable state cannot be read; the gateway stops the start and
     *         names this frontend
     */
    void initialize(FrontendContext context) throws IOException;

    /**
     * The lists of the start-up definitions this frontend declares itself (SQS queues); called
     * after {@link #initialize}, before {@link #start}, and by the admin endpoint's export while it
     * runs. None by default.
     */
    default List<DefinitionSection> definitionSections() {
        return List.of();
    }

    /**
     * This protocol's consumer groups, for the admin endpoint to list and reset (the Kafka
     * frontend's); empty for a protocol without them. Called after {@link #initialize}.
     */
    default java.util.Optional<ConsumerGroups> consumerGroups() {
        return java.util.Optional.empty();
    }

    /**
     * Binds {@code config.listenHost()} and the port of {@link #portKey()} and starts accepting.
     * Called once, after {@link #initialize}.
     *
     * @return the address actually bound, with the real port when 0 was asked; the startup banner
     *         shows it
     * @throws java.net.BindException (possibly as the cause of another IOException) when the address
     *         is taken or not local; the gateway turns it into one message naming {@link #portKey()}
     * @throws IOException for any other failure to listen
     */
    InetSocketAddress start() throws IOException;

    /**
     * Stops accepting connections, lets in-flight requests finish within a short grace period and
     * fails the rest, then releases threads and sockets. Must not throw for an ordinary stop, and
     * may be called more than once, before {@link #start} or after a failed one.
     */
    @Override
    void close();
}
