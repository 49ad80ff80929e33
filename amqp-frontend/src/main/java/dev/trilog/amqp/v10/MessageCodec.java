package dev.trilog.amqp.v10;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.message.ValueType;
import dev.trilog.routing.queue.QueueDelivery;
import java.math.BigDecimal;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Decimal128;
import org.apache.qpid.proton.amqp.Decimal32;
import org.apache.qpid.proton.amqp.Decimal64;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Footer;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.codec.WritableBuffer;

/**
 * An AMQP 1.0 message ⇄ the protocol-neutral {@link Message}, as docs/message-mapping.md and
 * docs/amqp.md say: header, properties, application-properties and body; the message
 * annotations {@code x-opt-delivery-time} / {@code x-opt-delivery-delay} in, {@code x-exchange} /
 * {@code x-routing-key} and {@code x-delivery-count} out; delivery-annotations and the footer are
 * dropped.
 *
 * <p><b>Bodies.</b> {@code data} is the record value as it is. Other bodies keep their kind in
 * the reserved header {@value #BODY_HEADER} so they come back as they were sent:
 * <pre>
 *   amqp-value string      → UTF-8 text            trilog.amqp-body = string
 *   amqp-value binary      → the bytes             trilog.amqp-body = binary
 *   any other amqp-value   → the section's bytes   trilog.amqp-body = amqp-value
 *   amqp-sequence          → the section's bytes   trilog.amqp-body = amqp-sequence
 * </pre>
 * The section's bytes are the client's own, stored and sent on as they came: proton-j does not
 * read back all it writes (a descriptor 0 it writes as {@code ulong0}, which its decoder refuses),
 * so a section decoded and written again could reach consumers as something else.
 * So a JMS TextMessage is plain text to a Kafka consumer and an SQS receiver, and a MapMessage is
 * the AMQP encoding of its map. A record without the header (a Kafka producer's, an SQS
 * message) is sent as one {@code data} section.
 *
 * <p>Not thread-safe (one encoder and decoder per instance): one per connection, used on its event loop.
 */
final class MessageCodec {

    /**
     * The reserved header keeping the message annotations Trilog does not map (e.g. Qpid JMS'
     * {@code x-opt-jms-msg-type}, which tells a MapMessage from an ObjectMessage), as the encoded
     * message-annotations section: binary, so a Kafka consumer sees it as bytes.
     */
    static final String ANNOTATIONS_HEADER = "trilog.amqp-annotations";
    /** The reserved header naming a non-{@code data} body's kind. */
    static final String BODY_HEADER = "trilog.amqp-body";
    static final String BODY_STRING = "string";
    static final String BODY_BINARY = "binary";
    static final String BODY_VALUE = "amqp-value";
    static final String BODY_SEQUENCE = "amqp-sequence";

    /** RabbitMQ's application properties for 0-9-1's {@code type} and {@code app-id}. */
    static final String BASIC_TYPE = "x-basic-type";
    static final String BASIC_APP_ID = "x-basic-app-id";

    static final Symbol DELIVERY_TIME = Symbol.valueOf("x-opt-delivery-time");
    static final Symbol DELIVERY_DELAY = Symbol.valueOf("x-opt-delivery-delay");
    static final Symbol EXCHANGE = Symbol.valueOf("x-exchange");
    static final Symbol ROUTING_KEY = Symbol.valueOf("x-routing-key");
    /** RabbitMQ's count of failed deliveries (modified{delivery-failed}, a closed link), when above 0. */
    static final Symbol DELIVERY_COUNT = Symbol.valueOf("x-delivery-count");

    /** How decimals keep their exact AMQP encoding (the custom type of a binary value). */
    private static final String DECIMAL32 = "amqp:decimal32";
    private static final String DECIMAL64 = "amqp:decimal64";
    private static final String DECIMAL128 = "amqp:decimal128";

    /** Sections remembered by value (see {@link #decode}, {@link #annotationsSection}) up to this size. */
    private static final int MEMO_LIMIT = 1024;
    /** {@link #scratch} starts this large; one larger than {@link #SCRATCH_KEEP} is dropped after use. */
    private static final int SCRATCH_INITIAL = 4096;
    private static final int SCRATCH_KEEP = 1 << 20;

    private final DecoderImpl decoder = new DecoderImpl();
    private final EncoderImpl encoder = new EncoderImpl(decoder);
    /** Where messages and sections are encoded before they are copied out at their size. */
    private ByteBuffer scratch = ByteBuffer.allocate(SCRATCH_INITIAL);

    /**
     * The last message-annotations section read, as it was on the wire, and what it mapped to.
     * A client sends the same annotations on every message (Qpid JMS' message type and
     * destination type), so the next one that carries the same bytes is neither decoded nor its
     * {@value #ANNOTATIONS_HEADER} encoded again: the same bytes decode to the same section.
     */
    private byte[] inAnnotationsWire;
    /** Where the section {@link #decode} read last starts in its input (the body's is stored as it came). */
    private int sectionStart;
    private MessageAnnotations inAnnotations;
    private Object inDeliveryTime;
    private Object inDeliveryDelay;
    private HeaderValue inKeptAnnotations;

    /** The last message-annotations section written, and what it was made of (see {@link #annotationsSection}). */
    private boolean outMemo;
    private HeaderValue outStored;
    private int outFailedDeliveries;
    private String outExchange;
    private String outRoutingKey;
    private byte[] outAnnotations;

    MessageCodec() {
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
    }

    // ------------------------------------------------------------------ AMQP → neutral

    /** {@link #decode(byte[], int, int, long)} from the start of {@code bytes}. */
    Message decode(byte[] bytes, int length, long nowMs) {
        return decode(bytes, 0, length, nowMs);
    }

    /**
     * The message a client sent, as Trilog stores it. Read section by section with proton-j's
     * decoder, in the order and with the limits of proton's {@code MessageImpl.decode} (which it
     * replaces here: that builds a message object only for it to be taken apart again); a
     * message-annotations section equal to the last one is not decoded again.
     *
     * @param nowMs the publish time: the record timestamp, and the base of {@code header.ttl}
     * @throws IllegalArgumentException for what the neutral model refuses (an application property
     *         named {@code trilog.…}, a value of no simple type): the transfer is rejected
     */
    Message decode(byte[] bytes, int offset, int length, long nowMs) {
        ReadableBuffer in = ReadableBuffer.ByteBufferReader.wrap(ByteBuffer.wrap(bytes, offset, length));
        decoder.setBuffer(in);
        try {
            Message.Builder message = Message.builder().timestamp(nowMs);
            MessageProperties.Builder p = MessageProperties.builder();
            Section section = nextOrAnnotations(in, bytes, offset);
            if (section instanceof Header header) {
                header(header, p, nowMs);
                section = nextOrAnnotations(in, bytes, offset);
            }
            if (section instanceof DeliveryAnnotations) { // for this hop only: dropped
                section = nextOrAnnotations(in, bytes, offset);
            }
            if (section instanceof MessageAnnotations annotations) {
                annotations(annotations, p, message, nowMs);
                section = next(in);
            }
            if (section instanceof Properties props) {
                properties(props, p);
                section = next(in);
            }
            if (section instanceof ApplicationProperties application) {
                applicationProperties(application, p, message);
                section = next(in);
            }
            Section body = null;
            int bodyStart = sectionStart;
            int bodyEnd = bodyStart;
            if (section != null && !(section instanceof Footer)) {
                if (!(section instanceof Data || section instanceof AmqpSequence || section instanceof AmqpValue)) {
                    throw new IllegalArgumentException("a " + section.getClass().getSimpleName()
                            + " section where the body belongs");
                }
                body = section;
                bodyEnd = in.position();
                section = next(in); // the footer, read as proton does (and dropped)
            }
            // anything else was stored as the body or dropped, and delivered as another message
            // (found by MessageCodecFuzzTest): refused, like other messages that cannot be read
            if (section != null && !(section instanceof Footer) || in.hasRemaining()) {
                throw new IllegalArgumentException("sections out of order, or after the footer");
            }
            body(body, Arrays.copyOfRange(bytes, offset + bodyStart, offset + bodyEnd), message);
            return message.properties(p.build()).build();
        } finally {
            decoder.setBuffer(null);
        }
    }

    /** A message proton-j built (tests, and what clients send through it): {@link #decode} of its encoding. */
    Message toNeutral(org.apache.qpid.proton.message.Message amqp, long nowMs) {
        byte[] bytes = encode(amqp);
        return decode(bytes, 0, bytes.length, nowMs);
    }

    private Section next(ReadableBuffer in) {
        sectionStart = in.position();
        return in.hasRemaining() ? (Section) decoder.readObject() : null;
    }

    /**
     * The next section, or {@link #inAnnotations} without decoding it when the bytes at the
     * position are the last message-annotations section's (remembered when it was decoded).
     */
    private Section nextOrAnnotations(ReadableBuffer in, byte[] bytes, int offset) {
        int at = in.position();
        byte[] wire = inAnnotationsWire;
        if (wire != null && in.remaining() >= wire.length
                && Arrays.equals(bytes, offset + at, offset + at + wire.length, wire, 0, wire.length)) {
            sectionStart = at;
            in.position(at + wire.length);
            return inAnnotations;
        }
        Section section = next(in);
        if (section instanceof MessageAnnotations annotations) {
            int length = in.position() - at;
            inAnnotationsWire = null;
            mapAnnotations(annotations);
            inAnnotations = annotations;
            inAnnotationsWire = length <= MEMO_LIMIT ? Arrays.copyOfRange(bytes, offset + at, offset + at + length) : null;
        }
        return section;
    }

    private static void header(Header header, MessageProperties.Builder p, long nowMs) {
        p.durable(header.getDurable());
        if (header.getPriority() != null) {
            p.priority(header.getPriority().intValue());
        }
        if (header.getTtl() != null) {
            p.expiryTime(nowMs + header.getTtl().longValue());
        }
    }

    private static void properties(Properties props, MessageProperties.Builder p) {
        p.messageId(id(props.getMessageId()));
        p.correlationId(id(props.getCorrelationId()));
        if (props.getUserId() != null) {
            p.userId(new String(props.getUserId().getArray(), props.getUserId().getArrayOffset(),
                    props.getUserId().getLength(), StandardCharsets.UTF_8));
        }
        p.to(props.getTo()).subject(props.getSubject()).replyTo(props.getReplyTo());
        p.contentType(text(props.getContentType())).contentEncoding(text(props.getContentEncoding()));
        if (props.getAbsoluteExpiryTime() != null) {
            p.expiryTime(props.getAbsoluteExpiryTime().getTime());
        }
        if (props.getCreationTime() != null) {
            p.creationTime(props.getCreationTime().getTime());
        }
        p.groupId(props.getGroupId());
        if (props.getGroupSequence() != null) {
            p.groupSequence(props.getGroupSequence().longValue());
        }
        p.replyToGroupId(props.getReplyToGroupId());
    }

    /** What {@link #inAnnotations} maps to: the delivery time or delay, and the rest to keep. */
    private void mapAnnotations(MessageAnnotations annotations) {
        inDeliveryTime = null;
        inDeliveryDelay = null;
        inKeptAnnotations = null;
        if (annotations.getValue() != null && !annotations.getValue().isEmpty()) {
            Map<Symbol, Object> kept = new LinkedHashMap<>(annotations.getValue());
            inDeliveryTime = kept.remove(DELIVERY_TIME);
            inDeliveryDelay = kept.remove(DELIVERY_DELAY);
            kept.remove(EXCHANGE);
            kept.remove(ROUTING_KEY);
            kept.remove(DELIVERY_COUNT);
            if (!kept.isEmpty()) {
                inKeptAnnotations = HeaderValue.ofBinary(encodeSection(new MessageAnnotations(kept)));
            }
        }
    }

    private void annotations(MessageAnnotations annotations, MessageProperties.Builder p, Message.Builder message,
            long nowMs) {
        if (annotations != inAnnotations) { // not one nextOrAnnotations read (cannot happen; kept safe)
            inAnnotationsWire = null;
            mapAnnotations(annotations);
            inAnnotations = annotations;
        }
        Object time = inDeliveryTime;
        Object delay = inDeliveryDelay;
        if (time instanceof Date date) {
            p.notBefore(date.getTime());
        } else if (time instanceof Number number) {
            p.notBefore(number.longValue());
        } else if (delay instanceof Number number && number.longValue() > 0) {
            p.notBefore(nowMs + number.longValue());
        }
        if (inKeptAnnotations != null) {
            message.unknownProperty(ANNOTATIONS_HEADER, inKeptAnnotations);
        }
    }

    private static void applicationProperties(ApplicationProperties application, MessageProperties.Builder p,
            Message.Builder message) {
        if (application.getValue() == null) {
            return;
        }
        for (Map.Entry<String, Object> e : application.getValue().entrySet()) {
            String name = e.getKey();
            if (BASIC_TYPE.equals(name) && e.getValue() instanceof String type) {
                p.type(type);
            } else if (BASIC_APP_ID.equals(name) && e.getValue() instanceof String appId) {
                p.appId(appId);
            } else {
                message.header(name, headerValue(name, e.getValue()));
            }
        }
    }

    /** The body, and its kind in {@value #BODY_HEADER}; {@code wire} is the section as it came. */
    private void body(Section body, byte[] wire, Message.Builder message) {
        if (body == null) {
            message.body(new byte[0]);
        } else if (body instanceof Data data) {
            message.body(handOver(data.getValue()));
        } else if (body instanceof AmqpValue value && value.getValue() instanceof String text) {
            message.body(text.getBytes(StandardCharsets.UTF_8));
            message.unknownProperty(BODY_HEADER, HeaderValue.ofString(BODY_STRING));
        } else if (body instanceof AmqpValue value && value.getValue() instanceof Binary binary) {
            message.body(handOver(binary));
            message.unknownProperty(BODY_HEADER, HeaderValue.ofString(BODY_BINARY));
        } else {
            message.body(wire);
            message.unknownProperty(BODY_HEADER,
                    HeaderValue.ofString(body instanceof AmqpSequence ? BODY_SEQUENCE : BODY_VALUE));
        }
    }

    private static HeaderValue id(Object id) {
        if (id == null) {
            return null;
        } else if (id instanceof String s) {
            return HeaderValue.ofString(s);
        } else if (id instanceof UnsignedLong u) {
            return HeaderValue.ofUlong(u.longValue());
        } else if (id instanceof UUID u) {
            return HeaderValue.ofUuid(u);
        } else if (id instanceof Binary b) {
            return HeaderValue.ofBinary(bytes(b));
        }
        throw new IllegalArgumentException("a message-id or correlation-id is a string, ulong, uuid or binary, not "
                + id.getClass().getSimpleName());
    }

    /** An application property's value; AMQP 1.0 allows simple types only (§3.2.5). */
    static HeaderValue headerValue(String name, Object v) {
        if (v == null) {
            return HeaderValue.nullValue();
        } else if (v instanceof String s) {
            return HeaderValue.ofString(s);
        } else if (v instanceof Boolean b) {
            return HeaderValue.ofBoolean(b);
        } else if (v instanceof Byte b) {
            return HeaderValue.ofByte(b);
        } else if (v instanceof Short s) {
            return HeaderValue.ofShort(s);
        } else if (v instanceof Integer i) {
            return HeaderValue.ofInt(i);
        } else if (v instanceof Long l) {
            return HeaderValue.ofLong(l);
        } else if (v instanceof UnsignedByte u) {
            return HeaderValue.ofUbyte(u.intValue());
        } else if (v instanceof UnsignedShort u) {
            return HeaderValue.ofUshort(u.intValue());
        } else if (v instanceof UnsignedInteger u) {
            return HeaderValue.ofUint(u.longValue());
        } else if (v instanceof UnsignedLong u) {
            return HeaderValue.ofUlong(u.longValue());
        } else if (v instanceof Float f) {
            return HeaderValue.ofFloat(f);
        } else if (v instanceof Double d) {
            return HeaderValue.ofDouble(d);
        } else if (v instanceof Character c) {
            return HeaderValue.ofChar(c);
        } else if (v instanceof Symbol s) {
            return HeaderValue.ofSymbol(s.toString());
        } else if (v instanceof UUID u) {
            return HeaderValue.ofUuid(u);
        } else if (v instanceof Date d) {
            return HeaderValue.ofTimestamp(d.getTime());
        } else if (v instanceof Binary b) {
            return HeaderValue.ofBinary(bytes(b));
        } else if (v instanceof Decimal32 d) {
            return HeaderValue.ofBinary(ByteBuffer.allocate(4).putInt(d.getBits()).array()).withCustomType(DECIMAL32);
        } else if (v instanceof Decimal64 d) {
            return HeaderValue.ofBinary(ByteBuffer.allocate(8).putLong(d.getBits()).array()).withCustomType(DECIMAL64);
        } else if (v instanceof Decimal128 d) {
            return HeaderValue.ofBinary(d.asBytes()).withCustomType(DECIMAL128);
        }
        throw new IllegalArgumentException("application property '" + name + "' is a "
                + v.getClass().getSimpleName() + "; AMQP 1.0 allows simple types only");
    }

    // ------------------------------------------------------------------ neutral → AMQP

    /** The transfer payload for one delivery: the stored message with this delivery's counts. */
    byte[] encode(QueueDelivery delivery) {
        return encode(delivery.message(), delivery.failedDeliveries(), delivery.acquisitions(), null);
    }

    /** A message read from a stream: its offset as the message annotation {@code x-stream-offset}. */
    byte[] encodeStream(Message message, long offset) {
        return encode(message, 0, 0, offset);
    }

    /** What {@link #encode(QueueDelivery)} sends for a message (for tests). */
    byte[] toAmqpBytes(Message m, int failedDeliveries, int acquisitions) {
        return encode(m, failedDeliveries, acquisitions, null);
    }

    /** The message {@link #encode(QueueDelivery)} sends, as proton-j reads it (for tests). */
    org.apache.qpid.proton.message.Message toAmqp(Message m, int failedDeliveries, int acquisitions) {
        byte[] bytes = encode(m, failedDeliveries, acquisitions, null);
        org.apache.qpid.proton.message.Message amqp = org.apache.qpid.proton.message.Message.Factory.create();
        amqp.decode(bytes, 0, bytes.length);
        return amqp;
    }

    /**
     * A stored message as AMQP 1.0 sections, written one after the other with proton-j's encoder
     * exactly as {@code MessageImpl.encode} would write them (header, message-annotations,
     * properties, application-properties, body), without building a message object first; the
     * message-annotations section is reused from the last message when it is made of the same.
     */
    private byte[] encode(Message m, int failedDeliveries, int acquisitions, Long streamOffset) {
        MessageProperties p = m.properties();
        Header header = new Header();
        header.setDurable(p.durable());
        if (p.priority() != null) {
            header.setPriority(UnsignedByte.valueOf((byte) p.priority().intValue()));
        }
        if (failedDeliveries > 0) {
            header.setDeliveryCount(UnsignedInteger.valueOf(failedDeliveries));
        }
        header.setFirstAcquirer(acquisitions <= 1 ? Boolean.TRUE : null);
        byte[] annotations = annotationsSection(m, failedDeliveries, streamOffset);
        Properties props = properties(p);
        ApplicationProperties application = applicationProperties(m);
        byte[] storedBody = storedBodySection(m);
        Section body = storedBody == null ? bodySection(m) : null;
        int bodyEstimate = storedBody == null ? estimate(body) : storedBody.length;
        return encoded(256 + (annotations == null ? 0 : annotations.length) + bodyEstimate, out -> {
            encoder.writeObject(header);
            if (annotations != null) {
                out.put(annotations, 0, annotations.length);
            }
            encoder.writeObject(props);
            if (application != null) {
                encoder.writeObject(application);
            }
            if (storedBody != null) {
                out.put(storedBody, 0, storedBody.length);
            } else {
                encoder.writeObject(body);
            }
        });
    }

    /**
     * The encoded message-annotations section of an outgoing message, or null for none: the
     * annotations kept from the publish ({@value #ANNOTATIONS_HEADER}), {@code x-delivery-count},
     * {@code x-exchange}, {@code x-routing-key} (and a stream's {@code x-stream-offset}). The
     * last one made is remembered with what it was made of: the messages of a queue mostly come
     * from one kind of client and carry the same.
     */
    private byte[] annotationsSection(Message m, int failedDeliveries, Long streamOffset) {
        MessageProperties p = m.properties();
        HeaderValue kept = m.unknownProperties().get(ANNOTATIONS_HEADER);
        if (streamOffset == null && outMemo && failedDeliveries == outFailedDeliveries
                && java.util.Objects.equals(kept, outStored) && java.util.Objects.equals(p.exchange(), outExchange)
                && java.util.Objects.equals(p.routingKey(), outRoutingKey)) {
            return outAnnotations;
        }
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        if (kept != null && kept.type() == ValueType.BINARY
                && decodeSection(kept.asBytes()) instanceof MessageAnnotations section && section.getValue() != null) {
            annotations.putAll(section.getValue());
        }
        if (failedDeliveries > 0) {
            annotations.put(DELIVERY_COUNT, (long) failedDeliveries);
        }
        if (p.exchange() != null) {
            annotations.put(EXCHANGE, p.exchange());
        }
        if (p.routingKey() != null) {
            annotations.put(ROUTING_KEY, p.routingKey());
        }
        if (streamOffset != null) {
            annotations.put(StreamLink.STREAM_OFFSET, streamOffset);
            return encodeSection(new MessageAnnotations(annotations));
        }
        byte[] section = annotations.isEmpty() ? null : encodeSection(new MessageAnnotations(annotations));
        if (kept == null || kept.binaryLength() <= MEMO_LIMIT) {
            outMemo = true;
            outStored = kept;
            outFailedDeliveries = failedDeliveries;
            outExchange = p.exchange();
            outRoutingKey = p.routingKey();
            outAnnotations = section;
        }
        return section;
    }

    private static Properties properties(MessageProperties p) {
        Properties props = new Properties();
        props.setMessageId(amqpId(p.messageId()));
        props.setCorrelationId(amqpId(p.correlationId()));
        if (p.userId() != null) {
            props.setUserId(new Binary(p.userId().getBytes(StandardCharsets.UTF_8)));
        }
        props.setTo(p.to());
        props.setSubject(p.subject());
        props.setReplyTo(p.replyTo());
        props.setContentType(p.contentType() == null ? null : Symbol.valueOf(p.contentType()));
        props.setContentEncoding(p.contentEncoding() == null ? null : Symbol.valueOf(p.contentEncoding()));
        props.setAbsoluteExpiryTime(p.expiryTime() == null ? null : new Date(p.expiryTime()));
        props.setCreationTime(p.creationTime() == null ? null : new Date(p.creationTime()));
        props.setGroupId(p.groupId());
        props.setGroupSequence(p.groupSequence() == null ? null : UnsignedInteger.valueOf(p.groupSequence()));
        props.setReplyToGroupId(p.replyToGroupId());
        return props;
    }

    private static ApplicationProperties applicationProperties(Message m) {
        MessageProperties p = m.properties();
        if (m.headers().isEmpty() && p.type() == null && p.appId() == null) {
            return null;
        }
        Map<String, Object> application = new LinkedHashMap<>();
        m.headers().forEach((name, value) -> application.put(name, amqpValue(value)));
        if (p.type() != null) {
            application.put(BASIC_TYPE, p.type());
        }
        if (p.appId() != null) {
            application.put(BASIC_APP_ID, p.appId());
        }
        return new ApplicationProperties(application);
    }

    /**
     * The amqp-value or amqp-sequence section stored as the client sent it, to be sent on as it is;
     * null for another body, or bytes that are not one section (then sent as data).
     */
    private byte[] storedBodySection(Message m) {
        HeaderValue kind = m.unknownProperties().get(BODY_HEADER);
        if (kind == null || kind.type() != ValueType.STRING
                || !(kind.asString().equals(BODY_VALUE) || kind.asString().equals(BODY_SEQUENCE)) || !m.hasBody()) {
            return null;
        }
        byte[] body = m.bodyBytes();
        return decodeSection(body) != null ? body : null;
    }

    private Section bodySection(Message m) {
        HeaderValue kind = m.unknownProperties().get(BODY_HEADER);
        byte[] body = m.hasBody() ? m.bodyBytes() : new byte[0];
        if (kind != null && kind.type() == ValueType.STRING) {
            switch (kind.asString()) {
                case BODY_STRING:
                    return new AmqpValue(new String(body, StandardCharsets.UTF_8));
                case BODY_BINARY:
                    return new AmqpValue(new Binary(body));
                case BODY_VALUE:
                case BODY_SEQUENCE:
                    Section section = decodeSection(body);
                    if (section != null) {
                        return section;
                    }
                    break;
                default:
                    break;
            }
        }
        return new Data(new Binary(body));
    }

    /** A message-id or correlation-id as AMQP 1.0 carries it. */
    static Object amqpIdOf(HeaderValue id) {
        return amqpId(id);
    }

    private static Object amqpId(HeaderValue id) {
        if (id == null) {
            return null;
        }
        return switch (id.type()) {
            case ULONG -> UnsignedLong.valueOf(id.asBigInteger());
            case UUID -> id.asUuid();
            case BINARY -> new Binary(id.asBytes());
            default -> id.text();
        };
    }

    /** A header value as an AMQP 1.0 simple type (see the table in docs/message-mapping.md). */
    static Object amqpValue(HeaderValue v) {
        String custom = v.customType().orElse("");
        return switch (v.type()) {
            case NULL -> null;
            case STRING -> v.asString();
            case BOOLEAN -> v.asBoolean();
            case BYTE -> (byte) v.asLong();
            case SHORT -> (short) v.asLong();
            case INT -> (int) v.asLong();
            case LONG -> v.asLong();
            case UBYTE -> UnsignedByte.valueOf((byte) v.asLong());
            case USHORT -> UnsignedShort.valueOf((short) v.asLong());
            case UINT -> UnsignedInteger.valueOf(v.asLong());
            case ULONG -> UnsignedLong.valueOf(v.asBigInteger());
            case FLOAT -> v.asFloat();
            case DOUBLE -> v.asDouble();
            case DECIMAL -> decimal128(v.asDecimal());
            case CHAR -> v.asCodePoint() <= Character.MAX_VALUE ? (Object) (char) v.asCodePoint() : v.text();
            case SYMBOL -> Symbol.valueOf(v.text());
            case UUID -> v.asUuid();
            case TIMESTAMP -> new Date(v.asTimestamp());
            case BINARY -> switch (custom) {
                case DECIMAL32 -> new Decimal32(ByteBuffer.wrap(v.asBytes()).getInt());
                case DECIMAL64 -> new Decimal64(ByteBuffer.wrap(v.asBytes()).getLong());
                case DECIMAL128 -> new Decimal128(v.asBytes());
                default -> new Binary(v.asBytes());
            };
        };
    }

    /** Decimals beyond decimal128's 34 digits travel as their text. */
    private static Object decimal128(BigDecimal value) {
        try {
            return new Decimal128(value);
        } catch (RuntimeException e) {
            return value.toString();
        }
    }

    // ------------------------------------------------------------------ encoding helpers

    private static byte[] bytes(Binary b) {
        if (b == null) {
            return new byte[0];
        }
        byte[] out = new byte[b.getLength()];
        System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, b.getLength());
        return out;
    }

    /**
     * The bytes of a binary the decoder just made, without a copy when its array holds exactly
     * them (proton-j decodes a binary into an array of its own; nothing else refers to it).
     */
    private static byte[] handOver(Binary b) {
        if (b != null && b.getArrayOffset() == 0 && b.getLength() == b.getArray().length) {
            return b.getArray();
        }
        return bytes(b);
    }

    /**
     * A symbol's text. Symbols are ASCII (AMQP 1.0 §1.6.20); proton-j reads any other byte as
     * U+FFFD, which would be stored and sent on as '?', so such a symbol is refused instead (found
     * by MessageCodecFuzzTest).
     */
    private static String text(Symbol s) {
        if (s == null) {
            return null;
        }
        String text = s.toString();
        if (!text.chars().allMatch(c -> c < 0x80)) {
            throw new IllegalArgumentException("a symbol holds a byte that is not ASCII: " + text);
        }
        return text;
    }

    byte[] encode(org.apache.qpid.proton.message.Message amqp) {
        int size = 256 + estimate(amqp.getBody());
        while (true) {
            byte[] buffer = new byte[size];
            try {
                int length = amqp.encode(buffer, 0, buffer.length);
                return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
            } catch (BufferOverflowException | IndexOutOfBoundsException e) {
                size *= 2;
            }
        }
    }

    private static int estimate(Section body) {
        if (body instanceof Data data && data.getValue() != null) {
            return data.getValue().getLength();
        } else if (body instanceof AmqpValue value && value.getValue() instanceof String text) {
            return text.length() * 3;
        }
        return 1024;
    }

    private byte[] encodeSection(Section section) {
        return encoded(0, out -> encoder.writeObject(section));
    }

    /**
     * What {@code writing} writes with {@link #encoder}, in an array of its size: written to
     * {@link #scratch} (made larger until it fits), then copied out.
     */
    private byte[] encoded(int estimate, java.util.function.Consumer<WritableBuffer> writing) {
        if (scratch.capacity() < estimate) {
            scratch = ByteBuffer.allocate(Math.max(estimate, scratch.capacity() * 2));
        }
        while (true) {
            scratch.clear();
            WritableBuffer out = new WritableBuffer.ByteBufferWrapper(scratch);
            encoder.setByteBuffer(out);
            try {
                writing.accept(out);
                byte[] encoded = Arrays.copyOf(scratch.array(), scratch.position());
                if (scratch.capacity() > SCRATCH_KEEP) {
                    scratch = ByteBuffer.allocate(SCRATCH_INITIAL);
                }
                return encoded;
            } catch (BufferOverflowException | IndexOutOfBoundsException e) {
                scratch = ByteBuffer.allocate(scratch.capacity() * 2);
            } finally {
                encoder.setByteBuffer((WritableBuffer) null);
            }
        }
    }

    private Section decodeSection(byte[] bytes) {
        try {
            decoder.setByteBuffer(ByteBuffer.wrap(bytes));
            Object section = decoder.readObject();
            return section instanceof Section s ? s : null;
        } catch (RuntimeException e) {
            return null; // not what the header said: sent as data
        } finally {
            decoder.setByteBuffer(null);
        }
    }
}
