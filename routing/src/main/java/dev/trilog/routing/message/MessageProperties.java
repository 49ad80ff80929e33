package dev.trilog.routing.message;

import java.util.Set;

/**
 * The protocol properties of a message: the union of AMQP 1.0's header and properties
 * sections, AMQP 0-9-1's basic properties and the SQS message fields that are not the body or
 * attributes. Every field is optional (null when absent); times are milliseconds since the epoch.
 * Where each one travels in a Kafka record, and what each protocol calls it, is the table in
 * {@code docs/message-mapping.md}.
 *
 * @param messageId       AMQP message-id; a string, ulong, uuid or binary (AMQP 1.0 allows those four)
 * @param correlationId   AMQP correlation-id; same types as the message id
 * @param userId          AMQP user-id: the authenticated publisher
 * @param to              AMQP 1.0 {@code to}: the address the message was sent to
 * @param subject         AMQP 1.0 subject (the routing key when publishing to {@code /exchanges/X})
 * @param replyTo         AMQP reply-to address
 * @param contentType     MIME type of the body
 * @param contentEncoding e.g. gzip
 * @param expiryTime      when the message expires: AMQP 1.0 absolute-expiry-time, or publish time plus
 *                        the AMQP 0-9-1 {@code expiration} / AMQP 1.0 {@code ttl}
 * @param creationTime    AMQP 1.0 creation-time, AMQP 0-9-1 {@code timestamp}
 * @param groupId         AMQP 1.0 group-id, SQS MessageGroupId; also the record key when no key is set
 * @param groupSequence   AMQP 1.0 group-sequence (0 to 2³²−1)
 * @param replyToGroupId  AMQP 1.0 reply-to-group-id
 * @param type            AMQP 0-9-1 {@code type}
 * @param appId           AMQP 0-9-1 {@code app-id}
 * @param priority        0 to 255 (AMQP 1.0 header priority, AMQP 0-9-1 priority)
 * @param durable         AMQP 1.0 header durable; AMQP 0-9-1 delivery-mode 2 is true, 1 is false
 * @param deduplicationId SQS MessageDeduplicationId
 * @param notBefore       not to be delivered before this time (SQS DelaySeconds, AMQP delivery time)
 * @param exchange        the exchange the message was published to (AMQP 0-9-1 basic.deliver, dead-lettering)
 * @param routingKey      the routing key it was published with
 */
public record MessageProperties(
        HeaderValue messageId,
        HeaderValue correlationId,
        String userId,
        String to,
        String subject,
        String replyTo,
        String contentType,
        String contentEncoding,
        Long expiryTime,
        Long creationTime,
        String groupId,
        Long groupSequence,
        String replyToGroupId,
        String type,
        String appId,
        Integer priority,
        Boolean durable,
        String deduplicationId,
        Long notBefore,
        String exchange,
        String routingKey) {

    /** No property set. */
    public static final MessageProperties NONE = builder().build();

    /** The types an AMQP 1.0 message-id or correlation-id may have. */
    public static final Set<ValueType> ID_TYPES =
            Set.of(ValueType.STRING, ValueType.ULONG, ValueType.UUID, ValueType.BINARY);

    public MessageProperties {
        requireIdType(messageId, "message-id");
        requireIdType(correlationId, "correlation-id");
        for (String text : new String[] {userId, to, subject, replyTo, contentType, contentEncoding, groupId,
                replyToGroupId, type, appId, deduplicationId, exchange, routingKey}) {
            if (text != null) {
                Utf8.requireWellFormed(text, "a message property");
            }
        }
        if (priority != null && (priority < 0 || priority > 255)) {
            throw new IllegalArgumentException("priority is 0 to 255, not " + priority);
        }
        if (groupSequence != null && (groupSequence < 0 || groupSequence > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("group-sequence is 0 to 2^32-1, not " + groupSequence);
        }
    }

    private static void requireIdType(HeaderValue id, String what) {
        if (id != null && !ID_TYPES.contains(id.type())) {
            throw new IllegalArgumentException(what + " is a string, ulong, uuid or binary, not " + id.type().token());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link MessageProperties}; every field starts unset. */
    public static final class Builder {
        private HeaderValue messageId;
        private HeaderValue correlationId;
        private String userId;
        private String to;
        private String subject;
        private String replyTo;
        private String contentType;
        private String contentEncoding;
        private Long expiryTime;
        private Long creationTime;
        private String groupId;
        private Long groupSequence;
        private String replyToGroupId;
        private String type;
        private String appId;
        private Integer priority;
        private Boolean durable;
        private String deduplicationId;
        private Long notBefore;
        private String exchange;
        private String routingKey;

        private Builder() {
        }

        private Builder(MessageProperties p) {
            messageId = p.messageId;
            correlationId = p.correlationId;
            userId = p.userId;
            to = p.to;
            subject = p.subject;
            replyTo = p.replyTo;
            contentType = p.contentType;
            contentEncoding = p.contentEncoding;
            expiryTime = p.expiryTime;
            creationTime = p.creationTime;
            groupId = p.groupId;
            groupSequence = p.groupSequence;
            replyToGroupId = p.replyToGroupId;
            type = p.type;
            appId = p.appId;
            priority = p.priority;
            durable = p.durable;
            deduplicationId = p.deduplicationId;
            notBefore = p.notBefore;
            exchange = p.exchange;
            routingKey = p.routingKey;
        }

        public Builder messageId(HeaderValue value) {
            messageId = value;
            return this;
        }

        /** A string message id, the common case. */
        public Builder messageId(String value) {
            return messageId(value == null ? null : HeaderValue.ofString(value));
        }

        public Builder correlationId(HeaderValue value) {
            correlationId = value;
            return this;
        }

        public Builder correlationId(String value) {
            return correlationId(value == null ? null : HeaderValue.ofString(value));
        }

        public Builder userId(String value) {
            userId = value;
            return this;
        }

        public Builder to(String value) {
            to = value;
            return this;
        }

        public Builder subject(String value) {
            subject = value;
            return this;
        }

        public Builder replyTo(String value) {
            replyTo = value;
            return this;
        }

        public Builder contentType(String value) {
            contentType = value;
            return this;
        }

        public Builder contentEncoding(String value) {
            contentEncoding = value;
            return this;
        }

        public Builder expiryTime(Long epochMillis) {
            expiryTime = epochMillis;
            return this;
        }

        public Builder creationTime(Long epochMillis) {
            creationTime = epochMillis;
            return this;
        }

        public Builder groupId(String value) {
            groupId = value;
            return this;
        }

        public Builder groupSequence(Long value) {
            groupSequence = value;
            return this;
        }

        public Builder replyToGroupId(String value) {
            replyToGroupId = value;
            return this;
        }

        public Builder type(String value) {
            type = value;
            return this;
        }

        public Builder appId(String value) {
            appId = value;
            return this;
        }

        public Builder priority(Integer value) {
            priority = value;
            return this;
        }

        public Builder durable(Boolean value) {
            durable = value;
            return this;
        }

        public Builder deduplicationId(String value) {
            deduplicationId = value;
            return this;
        }

        public Builder notBefore(Long epochMillis) {
            notBefore = epochMillis;
            return this;
        }

        public Builder exchange(String value) {
            exchange = value;
            return this;
        }

        public Builder routingKey(String value) {
            routingKey = value;
            return this;
        }

        public MessageProperties build() {
            return new MessageProperties(messageId, correlationId, userId, to, subject, replyTo, contentType,
                    contentEncoding, expiryTime, creationTime, groupId, groupSequence, replyToGroupId, type, appId,
                    priority, durable, deduplicationId, notBefore, exchange, routingKey);
        }
    }
}
