package dev.trilog.routing.topology;

import dev.trilog.log.DurableMap;
import dev.trilog.log.LogEngine;
import dev.trilog.log.PartitionLimitException;
import dev.trilog.log.TopicExistsException;
import dev.trilog.log.UnknownTopicException;
import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.address.ExchangeSpec;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.address.VhostNames;
import dev.trilog.routing.exchange.ExchangeRouter;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.topology.TopologyException.Reason;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Queues, exchanges and bindings over one {@link LogEngine}: declared, deleted, kept durable,
 * and used to route each published message to its queues.
 *
 * <p><b>Storage.</b> Each kind lives in its own {@link DurableMap} ({@value #QUEUES},
 * {@value #EXCHANGES}, {@value #BINDINGS}) in the format {@link TopologyCodec} describes; every
 * change is durable before the call returns. {@link #open} reloads them and finishes what a
 * crash interrupted: a recorded queue whose topic is missing gets it back, bindings whose ends
 * are gone are dropped, and — as in RabbitMQ — transient (non-durable) queues and exchanges and
 * exclusive queues do not survive the restart.
 *
 * <p><b>Queues.</b> Declaring a queue creates its topic (partitions: {@link QueueSpec#PARTITIONS}
 * if given, else {@code fifoPartitions} for a FIFO queue, else 1) unless a topic of that name
 * already exists, in which case the queue adopts it and deleting the queue later leaves it.
 *
 * <p><b>Exchanges.</b> The default exchange {@code ""} routes to the queue named by the routing
 * key; {@code amq.direct}, {@code amq.fanout}, {@code amq.topic}, {@code amq.headers} and
 * {@code amq.match} always exist. None of them can be declared differently or deleted, nothing
 * binds to or from the default exchange, and new exchanges may not take the {@code amq.} prefix
 * (RabbitMQ's rules, answered with {@link Reason#ACCESS_REFUSED}). Reserving {@code amq.} for
 * queue names is left to the AMQP frontend, which itself names server-named queues
 * {@code amq.gen-…}.
 *
 * <p><b>Virtual hosts.</b> Every name is qualified by its AMQP vhost as {@link VhostNames} maps
 * it ({@code orders} in {@code /}, {@code vhost.dev.orders} in {@code dev}): the rules above hold
 * within each vhost — its default exchange routes to its own queues, its {@code amq.*} exchanges
 * exist as soon as one of its names is used, alternate and dead-letter exchanges are looked up
 * in the vhost of the exchange or queue naming them — and {@link #deleteVhost} removes all of a
 * vhost. Which vhosts exist is the frontends' to check ({@code VhostStore}), not the topology's.
 *
 * <p><b>Threads.</b> Changes are serialized on this object. {@link #route} takes no lock: it
 * reads each exchange's immutable {@link ExchangeRouter}, replaced as a whole when that
 * exchange's bindings change. A route computed while a queue is being deleted may still name it.
 */
public final class Topology {

    static final String QUEUES = "routing-queues";
    static final String EXCHANGES = "routing-exchanges";
    static final String BINDINGS = "routing-bindings";

    /** The exchanges every topology has, as RabbitMQ declares them for each virtual host. */
    public static final List<ExchangeSpec> BUILT_IN_EXCHANGES = List.of(
            ExchangeSpec.durable("", ExchangeType.DIRECT),
            ExchangeSpec.durable("amq.direct", ExchangeType.DIRECT),
            ExchangeSpec.durable("amq.fanout", ExchangeType.FANOUT),
            ExchangeSpec.durable("amq.topic", ExchangeType.TOPIC),
            ExchangeSpec.durable("amq.headers", ExchangeType.HEADERS),
            ExchangeSpec.durable("amq.match", ExchangeType.HEADERS));

    private final LogEngine engine;
    private final int fifoPartitions;
    private final DurableMap queueStore;
    /** The topic this topology is deleting with its queue, which {@link #queueHolding} lets go. */
    private volatile String deletingTopic;
    private final DurableMap exchangeStore;
    private final DurableMap bindingStore;
    private final Map<String, QueueRecord> queues = new ConcurrentHashMap<>();
    private final Map<String, ExchangeSpec> exchanges = new ConcurrentHashMap<>();
    private final Map<String, ExchangeRouter> routers = new ConcurrentHashMap<>();
    private final BindingIndex bindings = new BindingIndex();

    private Topology(LogEngine engine, int fifoPartitions) throws IOException {
        if (fifoPartitions < 1) {
            throw new IllegalArgumentException("a FIFO queue needs at least one partition, not " + fifoPartitions);
        }
        this.engine = engine;
        this.fifoPartitions = fifoPartitions;
        this.queueStore = engine.queueStateMap(QUEUES);
        this.exchangeStore = engine.queueStateMap(EXCHANGES);
        this.bindingStore = engine.queueStateMap(BINDINGS);
        BUILT_IN_EXCHANGES.forEach(x -> exchanges.put(x.name(), x));
        engine.guardTopicDeletion(this::queueHolding);
    }

    /**
     * Why {@code topic} may not be deleted by a client (Kafka DeleteTopics): a queue keeps its
     * messages there, and would be left without them — a ghost listed by every protocol, answering
     * none. Read from the durable queue records, which every node of a cluster follows. Not while
     * this topology deletes the topic itself, with its queue.
     */
    private Optional<String> queueHolding(String topic) {
        if (topic.equals(deletingTopic)) {
            return Optional.empty();
        }
        for (byte[] bytes : queueStore.all().values()) {
            try {
                QueueSpec spec = TopologyCodec.decodeQueue(bytes).spec();
                if (spec.topic().equals(topic)) {
                    return Optional.of("topic '" + topic + "' holds the messages of queue '" + spec.name()
                            + "'; delete the queue instead (over SQS or AMQP: a queue that created its topic"
                            + " deletes it too)");
                }
            } catch (IOException e) {
                // a record this version cannot read guards nothing
            }
        }
        return Optional.empty();
    }

    /** Deletes a queue's own topic, past {@link #queueHolding}: the queue goes with it. */
    void deleteQueueTopic(String topic) throws IOException {
        deletingTopic = topic;
        try {
            engine.deleteTopic(topic);
        } catch (UnknownTopicException e) {
            // never created, or already gone: nothing left to delete
        } finally {
            deletingTopic = null;
        }
    }

    /** The topology stored in {@code engine}; FIFO queues get one partition unless they ask for more. */
    public static Topology open(LogEngine engine) throws IOException {
        return open(engine, 1);
    }

    /**
     * The topology stored in {@code engine}.
     *
     * @param fifoPartitions partitions of a new FIFO queue's topic when it does not name a count
     * @throws IOException when the stored topology cannot be read or repaired
     */
    public static Topology open(LogEngine engine, int fifoPartitions) throws IOException {
        return open(engine, fifoPartitions, true);
    }

    /**
     * The topology stored in {@code engine}, read as it is stored — not repaired — when
     * {@code serving} is false: a clustered node that does not serve the queues must not delete
     * the transient queues the serving node's clients hold. {@link #reload} repairs when it takes over.
     */
    public static Topology open(LogEngine engine, int fifoPartitions, boolean serving) throws IOException {
        Topology topology = new Topology(engine, fifoPartitions);
        synchronized (topology) {
            new TopologyLoader(topology).load(serving);
        }
        return topology;
    }

    /**
     * Forgets what is in memory and reads the topology again from its durable maps, which other
     * nodes of a cluster may have changed, and repairs it as a restart would (transient and
     * exclusive queues go: their connections ended with the node that served them). For the node
     * taking over the queues, before it serves any.
     */
    public synchronized void reload() throws IOException {
        queues.clear();
        exchanges.clear();
        routers.clear();
        bindings.clear();
        BUILT_IN_EXCHANGES.forEach(x -> exchanges.put(x.name(), x));
        new TopologyLoader(this).load(true);
    }

    // ------------------------------------------------------------------ queues

    /**
     * Declares a queue, creating its topic; declaring an equal spec again changes nothing.
     *
     * @return true when the queue is new
     * @throws TopologyException PRECONDITION_FAILED when a queue of that name exists with another spec
     *                           (or an explicit partition count the existing topic does not have)
     */
    public synchronized boolean declareQueue(QueueSpec spec) throws TopologyException, IOException {
        QueueRecord existing = queues.get(spec.name());
        if (existing != null) {
            if (existing.spec().equals(spec)) {
                return false;
            }
            throw new TopologyException(Reason.PRECONDITION_FAILED, "inequivalent declaration of queue "
                    + VhostNames.describe(spec.name()) + ": it exists as " + describe(existing.spec()) + ", not " + describe(spec));
        }
        Optional<Integer> existingPartitions = engine.topic(spec.topic()).map(t -> t.partitions());
        if (existingPartitions.isPresent() && spec.partitions().isPresent()
                && spec.partitions().getAsInt() != existingPartitions.get()) {
            throw new TopologyException(Reason.PRECONDITION_FAILED, "queue '" + spec.name() + "' asks for "
                    + spec.partitions().getAsInt() + " partitions but its topic exists with " + existingPartitions.get());
        }
        QueueRecord queue = new QueueRecord(spec, existingPartitions.isEmpty());
        // the record first: a crash before the topic exists is repaired by the next open
        queueStore.put(spec.name(), TopologyCodec.encode(queue));
        if (queue.ownsTopic()) {
            try {
                engine.createTopic(spec.topic(), partitionsFor(spec), Map.of());
            } catch (TopicExistsException e) {
                // a Kafka client created it a moment ago: adopt it as if it had been there first
                queue = new QueueRecord(spec, false);
                queueStore.put(spec.name(), TopologyCodec.encode(queue));
            } catch (PartitionLimitException e) {
                queueStore.remove(spec.name());
                throw new TopologyException(Reason.LIMIT_REACHED, "cannot declare queue "
                        + VhostNames.describe(spec.name()) + ": " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                // no topic, so no queue: the next open would otherwise try (and fail) again
                queueStore.remove(spec.name());
                throw e;
            }
        }
        queues.put(spec.name(), queue);
        return true;
    }

    /**
     * Replaces the arguments of an existing queue (its policies: dead-lettering, TTL, delivery
     * limit, delay), keeping everything else; SQS SetQueueAttributes needs this, AMQP has no way
     * to ask it. The partition count and FIFO flag are fixed when the queue is made.
     *
     * @return false when there is no such queue
     * @throws TopologyException PRECONDITION_FAILED when the change touches the partitions or FIFO argument
     */
    public synchronized boolean changeQueueArguments(String name, Map<String, HeaderValue> arguments)
            throws TopologyException, IOException {
        QueueRecord existing = queues.get(name);
        if (existing == null) {
            return false;
        }
        QueueSpec changed = existing.spec().withArguments(arguments);
        if (changed.fifo() != existing.spec().fifo() || !changed.partitions().equals(existing.spec().partitions())) {
            throw new TopologyException(Reason.PRECONDITION_FAILED, "queue '" + name
                    + "': FIFO and the partition count are fixed when the queue is declared");
        }
        QueueRecord record = new QueueRecord(changed, existing.ownsTopic());
        queueStore.put(name, TopologyCodec.encode(record));
        queues.put(name, record);
        return true;
    }

    int partitionsFor(QueueSpec spec) {
        return spec.partitions().orElse(spec.fifo() ? fifoPartitions : 1);
    }

    public Optional<QueueSpec> queue(String name) {
        return Optional.ofNullable(queues.get(name)).map(QueueRecord::spec);
    }

    public List<QueueSpec> queues() {
        return queues.values().stream().map(QueueRecord::spec).toList();
    }

    /**
     * Deletes a queue, its bindings and (when the queue created it) its topic; when the topic
     * was adopted it stays, but the queue's share-group state goes with the queue.
     *
     * @return false when there was no such queue
     */
    public synchronized boolean deleteQueue(String name) throws IOException {
        QueueRecord queue = queues.get(name);
        if (queue == null) {
            return false;
        }
        for (Binding binding : bindings.to(Destination.queue(name))) {
            removeBinding(binding);
        }
        if (queue.ownsTopic()) {
            deleteQueueTopic(queue.spec().topic());
        } else {
            // the topic stays for its Kafka users; the queue's delivery state (its share group) goes
            engine.topic(queue.spec().topic()).ifPresent(topic -> {
                for (int p = 0; p < topic.partitions(); p++) {
                    engine.deleteShareCursor(new org.apache.kafka.common.TopicPartition(topic.name(), p), name);
                }
            });
        }
        queueStore.remove(name);
        queues.remove(name);
        return true;
    }

    // ------------------------------------------------------------------ exchanges

    /**
     * Declares an exchange; declaring an equal spec again changes nothing.
     *
     * @return true when the exchange is new
     * @throws TopologyException ACCESS_REFUSED for the default exchange or a new {@code amq.} name;
     *                           PRECONDITION_FAILED when it exists with another spec
     */
    public synchronized boolean declareExchange(ExchangeSpec spec) throws TopologyException, IOException {
        String local = VhostNames.localName(spec.name());
        if (local.isEmpty()) {
            throw new TopologyException(Reason.ACCESS_REFUSED, "operation not permitted on the default exchange");
        }
        ExchangeSpec existing = knownExchange(spec.name());
        if (existing != null) {
            if (existing.equals(spec)) {
                return false;
            }
            throw new TopologyException(Reason.PRECONDITION_FAILED, "inequivalent declaration of exchange "
                    + VhostNames.describe(spec.name()) + ": it exists as " + describe(existing) + ", not " + describe(spec));
        }
        if (local.startsWith("amq.")) {
            throw new TopologyException(Reason.ACCESS_REFUSED, "exchange name '" + local
                    + "' contains reserved prefix 'amq.*'");
        }
        exchangeStore.put(spec.name(), TopologyCodec.encode(spec));
        exchanges.put(spec.name(), spec);
        return true;
    }

    public Optional<ExchangeSpec> exchange(String name) {
        return Optional.ofNullable(knownExchange(name));
    }

    /**
     * The exchange named so, or null: a vhost's built-in exchanges are made the first time one
     * of them is asked for (for {@code /} they always are), so each vhost has its own.
     */
    ExchangeSpec knownExchange(String name) {
        ExchangeSpec spec = exchanges.get(name);
        if (spec != null || VhostNames.inDefaultVhost(name)) {
            return spec;
        }
        String local = VhostNames.localName(name);
        for (ExchangeSpec builtIn : BUILT_IN_EXCHANGES) {
            if (builtIn.name().equals(local)) {
                ExchangeSpec own = new ExchangeSpec(name, builtIn.type(), true, false, false, Map.of());
                ExchangeSpec raced = exchanges.putIfAbsent(name, own);
                return raced == null ? own : raced;
            }
        }
        return null;
    }

    /** Every exchange, the built-in ones included. */
    public List<ExchangeSpec> exchanges() {
        return List.copyOf(exchanges.values());
    }

    /**
     * Deletes an exchange and every binding from or to it.
     *
     * @param ifUnused refuse when the exchange still has bindings as a source (AMQP's if-unused)
     * @return false when there was no such exchange
     * @throws TopologyException ACCESS_REFUSED for a built-in exchange; PRECONDITION_FAILED when in use
     */
    public synchronized boolean deleteExchange(String name, boolean ifUnused) throws TopologyException, IOException {
        if (isBuiltIn(name)) {
            throw new TopologyException(Reason.ACCESS_REFUSED, "deletion of system exchange "
                    + VhostNames.describe(name) + " not allowed");
        }
        if (!exchanges.containsKey(name)) {
            return false;
        }
        if (ifUnused && bindings.hasAnyFrom(name)) {
            throw new TopologyException(Reason.PRECONDITION_FAILED, "exchange " + VhostNames.describe(name) + " in use");
        }
        removeExchange(name);
        return true;
    }

    private void removeExchange(String name) throws IOException {
        for (Binding binding : bindings.involving(name)) {
            removeBinding(binding);
        }
        exchangeStore.remove(name);
        exchanges.remove(name);
        routers.remove(name);
    }

    /** Whether {@code name} (qualified, {@link VhostNames}) is one of its vhost's built-in exchanges. */
    public static boolean isBuiltIn(String name) {
        String local = VhostNames.localName(name);
        return BUILT_IN_EXCHANGES.stream().anyMatch(x -> x.name().equals(local));
    }

    // ------------------------------------------------------------------ vhosts

    /** What {@link #deleteVhost} removed. */
    public record VhostContents(List<String> queues, List<String> exchanges) {
    }

    /**
     * Deletes every queue (with the topics it created, as {@link #deleteQueue} does), exchange
     * and binding of {@code vhost} — what RabbitMQ's {@code delete_vhost} removes.
     *
     * @return the qualified names of the queues and exchanges removed
     * @throws IllegalArgumentException for {@code /}, which cannot be deleted
     */
    public synchronized VhostContents deleteVhost(String vhost) throws IOException {
        String prefix = VhostNames.prefix(vhost);
        List<String> deletedQueues = queues.keySet().stream().filter(q -> q.startsWith(prefix)).sorted().toList();
        for (String queue : deletedQueues) {
            deleteQueue(queue);
        }
        List<String> deletedExchanges = exchanges.keySet().stream().filter(x -> x.startsWith(prefix)).sorted().toList();
        for (String exchange : deletedExchanges) {
            if (exchanges.containsKey(exchange)) { // an auto-delete one may have gone with its last binding
                removeExchange(exchange);
            }
        }
        return new VhostContents(deletedQueues, deletedExchanges);
    }

    // ------------------------------------------------------------------ bindings

    /**
     * Binds a queue or an exchange to an exchange; binding again changes nothing.
     *
     * @return true when the binding is new
     * @throws TopologyException NOT_FOUND when either end does not exist; ACCESS_REFUSED for the default
     *                           exchange; PRECONDITION_FAILED when the exchange cannot route by it
     *                           (a headers binding with an invalid {@code x-match})
     */
    public synchronized boolean bind(Binding binding) throws TopologyException, IOException {
        ExchangeSpec source = requireEnds(binding);
        try {
            ExchangeRouter.validate(source.type(), binding);
        } catch (IllegalArgumentException e) {
            throw new TopologyException(Reason.PRECONDITION_FAILED, e.getMessage());
        }
        if (bindings.contains(binding)) {
            return false;
        }
        bindingStore.put(TopologyCodec.bindingId(binding), TopologyCodec.encode(binding));
        bindings.add(binding);
        rebuildRouter(binding.source());
        return true;
    }

    /**
     * Removes a binding; an auto-delete exchange left without bindings is deleted with it.
     *
     * @return false when there was no such binding (not an error, as in RabbitMQ)
     * @throws TopologyException NOT_FOUND when either end does not exist; ACCESS_REFUSED for the default exchange
     */
    public synchronized boolean unbind(Binding binding) throws TopologyException, IOException {
        requireEnds(binding);
        if (!bindings.contains(binding)) {
            return false;
        }
        removeBinding(binding);
        return true;
    }

    /** Every binding. */
    public synchronized List<Binding> bindings() {
        return bindings.all();
    }

    /** The bindings with {@code exchange} as their source. */
    public synchronized List<Binding> bindingsFrom(String exchange) {
        return List.copyOf(bindings.from(exchange));
    }

    /** The bindings that lead to {@code destination}. */
    public synchronized List<Binding> bindingsTo(Destination destination) {
        return List.copyOf(bindings.to(destination));
    }

    private ExchangeSpec requireEnds(Binding binding) throws TopologyException {
        if (VhostNames.localName(binding.source()).isEmpty() || !binding.destination().isQueue()
                && VhostNames.localName(binding.destination().name()).isEmpty()) {
            throw new TopologyException(Reason.ACCESS_REFUSED, "operation not permitted on the default exchange");
        }
        ExchangeSpec source = knownExchange(binding.source());
        if (source == null) {
            throw new TopologyException(Reason.NOT_FOUND, "no exchange " + VhostNames.describe(binding.source()));
        }
        boolean destinationExists = binding.destination().isQueue() ? queues.containsKey(binding.destination().name())
                : knownExchange(binding.destination().name()) != null;
        if (!destinationExists) {
            throw new TopologyException(Reason.NOT_FOUND, "no " + (binding.destination().isQueue() ? "queue " : "exchange ")
                    + VhostNames.describe(binding.destination().name()));
        }
        return source;
    }

    private void removeBinding(Binding binding) throws IOException {
        bindingStore.remove(TopologyCodec.bindingId(binding));
        bindings.remove(binding);
        rebuildRouter(binding.source());
        ExchangeSpec source = exchanges.get(binding.source());
        if (source != null && source.autoDelete() && !bindings.hasAnyFrom(source.name())) {
            removeExchange(source.name());
        }
    }

    void rebuildRouter(String exchange) {
        ExchangeSpec spec = exchanges.get(exchange);
        Collection<Binding> from = bindings.from(exchange);
        if (spec == null || from.isEmpty()) {
            routers.remove(exchange);
        } else {
            routers.put(exchange, ExchangeRouter.of(spec.type(), from));
        }
    }

    // ------------------------------------------------------------------ routing

    /**
     * The queues a message published to {@code exchange} with this routing key and these
     * headers goes to, each once, following exchange-to-exchange bindings and alternate
     * exchanges. Empty when it routes nowhere (AMQP's unroutable; 0-9-1 returns it when mandatory).
     *
     * @throws TopologyException NOT_FOUND when the exchange does not exist
     */
    public Set<String> route(String exchange, String routingKey, Map<String, HeaderValue> headers)
            throws TopologyException {
        if (!exchanges.containsKey(exchange) && knownExchange(exchange) == null) {
            throw new TopologyException(Reason.NOT_FOUND, "no exchange " + VhostNames.describe(exchange));
        }
        return RouteWalk.walk(exchange, routingKey, headers, routers::get, this::alternateOf, queues::containsKey);
    }

    private String alternateOf(String exchange) {
        ExchangeSpec spec = exchanges.get(exchange);
        String alternate = spec == null ? null : spec.alternateExchange().map(a -> VhostNames.sibling(exchange, a))
                .orElse(null);
        return alternate != null && knownExchange(alternate) != null ? alternate : null;
    }

    // ------------------------------------------------------------------ for the loader

    LogEngine engine() {
        return engine;
    }

    DurableMap queueStore() {
        return queueStore;
    }

    DurableMap exchangeStore() {
        return exchangeStore;
    }

    DurableMap bindingStore() {
        return bindingStore;
    }

    Map<String, QueueRecord> queueMap() {
        return queues;
    }

    Map<String, ExchangeSpec> exchangeMap() {
        return exchanges;
    }

    BindingIndex bindingIndex() {
        return bindings;
    }

    private static String describe(QueueSpec spec) {
        return "durable=" + spec.durable() + " exclusive=" + spec.exclusive() + " auto-delete=" + spec.autoDelete()
                + " arguments=" + spec.arguments();
    }

    private static String describe(ExchangeSpec spec) {
        return "type=" + spec.type().amqpName() + " durable=" + spec.durable() + " auto-delete=" + spec.autoDelete()
                + " internal=" + spec.internal() + " arguments=" + spec.arguments();
    }
}
