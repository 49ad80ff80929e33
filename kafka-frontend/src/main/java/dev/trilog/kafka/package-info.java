/**
 * The Kafka frontend: the wire protocol on Netty over the log engine.
 *
 * <p>One rule places every class: the root package assembles ({@link dev.trilog.kafka.KafkaFrontend},
 * {@link dev.trilog.kafka.KafkaServer}, the settings, and {@code KafkaApis}, the one place that knows
 * every API family); {@code network} frames bytes; {@code protocol} dispatches requests and holds
 * what every family shares (the API table, errors, the topic lookup, {@link
 * dev.trilog.kafka.protocol.KafkaContext}); each API family is one package with its registrar
 * ({@code *Apis}) and package-private handlers: {@code data} (produce, fetch, metadata, offsets),
 * {@code group} (consumer groups and their committed offsets), {@code admin} (topics, configs,
 * records, cluster), {@code txn} (producer ids and transactions). {@code records} is the one adapter
 * for kafka-clients' internal record classes. Families depend on {@code protocol}, never on each
 * other except {@code txn} on {@code group} (transactional offset commits), and nothing depends on
 * the root: compat-tests' LayeringTest keeps the packages free of cycles.
 */
package dev.trilog.kafka;
