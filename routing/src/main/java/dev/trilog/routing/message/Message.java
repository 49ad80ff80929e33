package dev.trilog.routing.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message as every protocol sees it: body, key, timestamp, typed application headers and
 * protocol properties. Immutable; {@link MessageMapping} turns it into a Kafka record and back.
 *
 * <ul>
 *   <li><b>body</b> — the record value; may be null (a Kafka tombstone) or empty.</li>
 *   <li><b>key</b> — the record key; when no key is given and the message has a group id, the key
 *       is the group id's UTF-8 bytes, so a FIFO queue spread over partitions keeps each group in
 *       one partition and a Kafka consumer sees the group as the key.</li>
 *   <li><b>timestamp</b> — the record timestamp, ms since the epoch, or -1 for none.</li>
 *   <li><b>headers</b> — application headers in their order; names are unique and may not start
 *       with {@value #RESERVED_PREFIX}, which is the mapping's own.</li>
 *   <li><b>properties</b> — {@link MessageProperties}.</li>
 *   <li><b>unknownProperties</b> — {@value #RESERVED_PREFIX} headers this version does not know
 *       (written by a newer one), kept so they survive a pass through this version.</li>
 * </ul>
 *
 * <p>Body and key arrays given to the builder are not copied — the hot path would pay for every
 * byte twice — so a caller hands them over and does not change them afterwards. Nothing inside
 * leaks out mutable: the accessors give read-only views or copies.
 */
public final class Message {

    /** Header names starting with this belong to the mapping, not to applications. */
    public static final String RESERVED_PREFIX = "trilog.";
    /** Kafka's "no timestamp". */
    public static final long NO_TIMESTAMP = -1;

    private final byte[] body;
    private final byte[] key;
    private final long timestamp;
    private final Map<String, HeaderValue> headers;
    private final MessageProperties properties;
    private final Map<String, HeaderValue> unknownProperties;

    private Message(Builder b) {
        this.body = b.body;
        this.properties = b.properties;
        this.key = b.key != null || properties.groupId() == null ? b.key
                : properties.groupId().getBytes(StandardCharsets.UTF_8);
        this.timestamp = b.timestamp;
        this.headers = frozen(b.headers);
        this.unknownProperties = frozen(b.unknownProperties);
    }

    /** A read-only copy; none for the usual empty map (two maps less per message built). */
    private static Map<String, HeaderValue> frozen(Map<String, HeaderValue> map) {
        return map.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this message. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.body = body;
        b.key = key;
        b.timestamp = timestamp;
        b.headers.putAll(headers);
        b.properties = properties;
        b.unknownProperties.putAll(unknownProperties);
        return b;
    }

    /** The body as a read-only buffer, or null for none. */
    public ByteBuffer body() {
        return body == null ? null : ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /**
     * The body decoded as UTF-8 (malformed bytes as replacement characters); empty for none.
     * Decoded from the array itself: {@link #body()}'s read-only view has no accessible array, so
     * decoding it went through a {@code CharsetDecoder}, 5 % of an SQS receive's CPU
     * (bench/sqs/RESULTS.md, 2026-12-06, sqs23), where {@code new String} takes its ASCII fast path.
     */
    public String bodyAsUtf8() {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    /** A copy of the body, or null for none. */
    public byte[] bodyBytes() {
        return body == null ? null : body.clone();
    }

    public boolean hasBody() {
        return body != null;
    }

    /** The body's length; 0 when there is none. */
    public int bodySize() {
        return body == null ? 0 : body.length;
    }

    /** The key as a read-only buffer, or null for none. */
    public ByteBuffer key() {
        return key == null ? null : ByteBuffer.wrap(key).asReadOnlyBuffer();
    }

    /** A copy of the key, or null for none. */
    public byte[] keyBytes() {
        return key == null ? null : key.clone();
    }

    public long timestamp() {
        return timestamp;
    }

    /** Application headers in their order, unmodifiable. */
    public Map<String, HeaderValue> headers() {
        return headers;
    }

    public MessageProperties properties() {
        return properties;
    }

    /** {@value #RESERVED_PREFIX} headers this version does not know, unmodifiable. */
    public Map<String, HeaderValue> unknownProperties() {
        return unknownProperties;
    }

    // the mapping writes these arrays into the record as they are, without another copy
    byte[] bodyArray() {
        return body;
    }

    byte[] keyArray() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Message m && timestamp == m.timestamp && Arrays.equals(body, m.body)
                && Arrays.equals(key, m.key) && headers.equals(m.headers) && properties.equals(m.properties)
                && unknownProperties.equals(m.unknownProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(body), Arrays.hashCode(key), timestamp, headers, properties,
                unknownProperties);
    }

    @Override
    public String toString() {
        return "Message[" + (body == null ? "no body" : body.length + " bytes") + ", key "
                + (key == null ? "none" : key.length + " bytes") + ", timestamp " + timestamp + ", headers " + headers
                + ", " + properties + (unknownProperties.isEmpty() ? "" : ", unknown " + unknownProperties) + "]";
    }

    /** Builds a {@link Message}. */
    public static final class Builder {
        private byte[] body;
        private byte[] key;
        private long timestamp = NO_TIMESTAMP;
        private final Map<String, HeaderValue> headers = new LinkedHashMap<>();
        private MessageProperties properties = MessageProperties.NONE;
        private final Map<String, HeaderValue> unknownProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** The body; the array is handed over, not copied. Null for none. */
        public Builder body(byte[] value) {
            body = value;
            return this;
        }

        /** The body as UTF-8 text. */
        public Builder body(String text) {
            body = text == null ? null : Utf8.encode(text, "the body");
            return this;
        }

        /** The key; the array is handed over, not copied. Null for none. */
        public Builder key(byte[] value) {
            key = value;
            return this;
        }

        public Builder timestamp(long epochMillis) {
            timestamp = epochMillis;
            return this;
        }

        /**
         * Adds or replaces an application header.
         *
         * @throws ReservedHeaderException when the name starts with {@value #RESERVED_PREFIX}
         */
        public Builder header(String name, HeaderValue value) {
            Objects.requireNonNull(value, "value (use HeaderValue.nullValue() for a null)");
            if (name.startsWith(RESERVED_PREFIX)) {
                throw new ReservedHeaderException(name);
            }
            Utf8.requireWellFormed(name, "a header name");
            headers.put(name, value);
            return this;
        }

        /** Adds or replaces a string header. */
        public Builder header(String name, String value) {
            return header(name, HeaderValue.ofString(value));
        }

        /** Replaces every application header; see {@link #header(String, HeaderValue)}. */
        public Builder headers(Map<String, HeaderValue> values) {
            headers.clear();
            values.forEach(this::header);
            return this;
        }

        public Builder properties(MessageProperties value) {
            properties = Objects.requireNonNull(value, "properties (use MessageProperties.NONE)");
            return this;
        }

        /**
         * Keeps a {@value #RESERVED_PREFIX} header this version does not understand. The mapping
         * calls this; a property this version knows is written from {@link #properties} instead.
         */
        public Builder unknownProperty(String name, HeaderValue value) {
            if (!name.startsWith(RESERVED_PREFIX) || name.equals(TypeDescriptor.HEADER)) {
                throw new IllegalArgumentException("an unknown property is a " + RESERVED_PREFIX
                        + " header other than " + TypeDescriptor.HEADER + ": " + name);
            }
            Utf8.requireWellFormed(name, "a header name");
            unknownProperties.put(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        public Message build() {
            return new Message(this);
        }
    }
}
