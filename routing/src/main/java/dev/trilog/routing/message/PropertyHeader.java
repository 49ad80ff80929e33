package dev.trilog.routing.message;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One protocol property and the reserved Kafka header that carries it. {@link #ALL} is the
 * table {@code docs/message-mapping.md} documents (a test holds the two together).
 *
 * <p>Each property travels as a {@link HeaderValue} of a fixed type, so its header needs no
 * {@code trilog.types} entry; only message-id and correlation-id, whose type varies, are typed
 * by that header like application headers are.
 *
 * @param name      the Kafka header name
 * @param fixedType the value's type, or null when {@code trilog.types} says it (the two ids)
 */
record PropertyHeader(String name, ValueType fixedType, Function<MessageProperties, HeaderValue> read,
        BiConsumer<MessageProperties.Builder, HeaderValue> write) {

    static final List<PropertyHeader> ALL = List.of(
            id("trilog.message-id", MessageProperties::messageId, MessageProperties.Builder::messageId),
            id("trilog.correlation-id", MessageProperties::correlationId, MessageProperties.Builder::correlationId),
            text("trilog.user-id", MessageProperties::userId, MessageProperties.Builder::userId),
            text("trilog.to", MessageProperties::to, MessageProperties.Builder::to),
            text("trilog.subject", MessageProperties::subject, MessageProperties.Builder::subject),
            text("trilog.reply-to", MessageProperties::replyTo, MessageProperties.Builder::replyTo),
            text("trilog.content-type", MessageProperties::contentType, MessageProperties.Builder::contentType),
            text("trilog.content-encoding", MessageProperties::contentEncoding,
                    MessageProperties.Builder::contentEncoding),
            time("trilog.expiry-time", MessageProperties::expiryTime, MessageProperties.Builder::expiryTime),
            time("trilog.creation-time", MessageProperties::creationTime, MessageProperties.Builder::creationTime),
            text("trilog.group-id", MessageProperties::groupId, MessageProperties.Builder::groupId),
            new PropertyHeader("trilog.group-sequence", ValueType.UINT,
                    p -> p.groupSequence() == null ? null : HeaderValue.ofUint(p.groupSequence()),
                    (b, v) -> b.groupSequence(v.asLong())),
            text("trilog.reply-to-group-id", MessageProperties::replyToGroupId,
                    MessageProperties.Builder::replyToGroupId),
            text("trilog.type", MessageProperties::type, MessageProperties.Builder::type),
            text("trilog.app-id", MessageProperties::appId, MessageProperties.Builder::appId),
            new PropertyHeader("trilog.priority", ValueType.UBYTE,
                    p -> p.priority() == null ? null : HeaderValue.ofUbyte(p.priority()),
                    (b, v) -> b.priority(v.asInt())),
            new PropertyHeader("trilog.durable", ValueType.BOOLEAN,
                    p -> p.durable() == null ? null : HeaderValue.ofBoolean(p.durable()),
                    (b, v) -> b.durable(v.asBoolean())),
            text("trilog.deduplication-id", MessageProperties::deduplicationId,
                    MessageProperties.Builder::deduplicationId),
            time("trilog.not-before", MessageProperties::notBefore, MessageProperties.Builder::notBefore),
            text("trilog.exchange", MessageProperties::exchange, MessageProperties.Builder::exchange),
            text("trilog.routing-key", MessageProperties::routingKey, MessageProperties.Builder::routingKey));

    static final Map<String, PropertyHeader> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(PropertyHeader::name, Function.identity()));

    /**
     * Sets this property on {@code builder} from a header value read with its type.
     *
     * @throws IllegalArgumentException when the value is not one this property may hold
     */
    void set(MessageProperties.Builder builder, HeaderValue value) {
        if (fixedType == null && !MessageProperties.ID_TYPES.contains(value.type())) {
            throw new IllegalArgumentException(name + " cannot be a " + value.type().token());
        }
        write.accept(builder, value);
    }

    private static PropertyHeader id(String name, Function<MessageProperties, HeaderValue> get,
            BiConsumer<MessageProperties.Builder, HeaderValue> set) {
        return new PropertyHeader(name, null, get, set);
    }

    private static PropertyHeader text(String name, Function<MessageProperties, String> get,
            BiConsumer<MessageProperties.Builder, String> set) {
        return new PropertyHeader(name, ValueType.STRING,
                p -> get.apply(p) == null ? null : HeaderValue.ofString(get.apply(p)),
                (b, v) -> set.accept(b, v.asString()));
    }

    private static PropertyHeader time(String name, Function<MessageProperties, Long> get,
            BiConsumer<MessageProperties.Builder, Long> set) {
        return new PropertyHeader(name, ValueType.TIMESTAMP,
                p -> get.apply(p) == null ? null : HeaderValue.ofTimestamp(get.apply(p)),
                (b, v) -> set.accept(b, v.asTimestamp()));
    }
}
