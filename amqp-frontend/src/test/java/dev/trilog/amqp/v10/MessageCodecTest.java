package dev.trilog.amqp.v10;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.ReservedHeaderException;
import dev.trilog.routing.message.ValueType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Decimal128;
import org.apache.qpid.proton.amqp.Decimal32;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static final long NOW = 1_700_000_000_000L;
    private final MessageCodec codec = new MessageCodec();

    private static org.apache.qpid.proton.message.Message amqp(Object body) {
        org.apache.qpid.proton.message.Message m = org.apache.qpid.proton.message.Message.Factory.create();
        m.setBody(body instanceof org.apache.qpid.proton.amqp.messaging.Section s ? s : new AmqpValue(body));
        return m;
    }

    /** Through the neutral message and a Kafka-record-free trip back to AMQP. */
    private org.apache.qpid.proton.message.Message roundTrip(org.apache.qpid.proton.message.Message in) {
        byte[] bytes = codec.encode(in);
        Message neutral = codec.decode(bytes, bytes.length, NOW);
        return codec.toAmqp(neutral, 0, 1);
    }

    /** Found by MessageCodecFuzzTest: a content-type symbol with a byte over 0x7F was stored and sent on as '?'. */
    @Test
    void aSymbolThatIsNotAsciiIsRefused() {
        org.apache.qpid.proton.message.Message m = amqp("x");
        m.setContentType("text/plain");
        byte[] bytes = codec.encode(m);
        int at = indexOf(bytes, "text/plain".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        bytes[at] = (byte) 0xF8;
        assertThatThrownBy(() -> codec.decode(bytes, bytes.length, NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void aDataSectionIsTheBodyAsItIs() {
        Message m = codec.toNeutral(amqp(new Data(new Binary(new byte[] {1, 2, 3}))), NOW);
        assertThat(m.bodyBytes()).containsExactly(1, 2, 3);
        assertThat(m.unknownProperties()).doesNotContainKey(MessageCodec.BODY_HEADER);
        assertThat(((Data) roundTrip(amqp(new Data(new Binary(new byte[] {1, 2, 3})))).getBody()).getValue())
                .isEqualTo(new Binary(new byte[] {1, 2, 3}));
    }

    @Test
    void aStringValueIsStoredAsItsTextAndComesBackAsAValue() {
        Message m = codec.toNeutral(amqp("héllo"), NOW);
        assertThat(new String(m.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(m.unknownProperties().get(MessageCodec.BODY_HEADER)).isEqualTo(HeaderValue.ofString("string"));
        assertThat(((AmqpValue) roundTrip(amqp("héllo")).getBody()).getValue()).isEqualTo("héllo");
    }

    @Test
    void mapsListsAndSequencesComeBackAsTheyWereSent() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1L);
        map.put("b", List.of("x", "y"));
        assertThat(((AmqpValue) roundTrip(amqp(map)).getBody()).getValue()).isEqualTo(map);
        assertThat(((AmqpValue) roundTrip(amqp(new Binary(new byte[] {9}))).getBody()).getValue())
                .isEqualTo(new Binary(new byte[] {9}));
        AmqpSequence sequence = new AmqpSequence(List.of(1, "two"));
        assertThat(((AmqpSequence) roundTrip(amqp(sequence)).getBody()).getValue()).isEqualTo(List.of(1, "two"));
    }

    @Test
    void aDescribedValueComesBackAsItWasSent() {
        // found-described-value-with-descriptor-zero (MessageCodecFuzzTest): an amqp-value of a
        // described type with descriptor 0 (here as smallulong) was written again by proton-j as
        // ulong0, which its decoder refuses, and so sent on as a data section
        byte[] sent = {0x00, 0x53, 0x77, 0x00, 0x53, 0x00, 0x40};
        Message stored = codec.decode(sent, sent.length, NOW);

        org.apache.qpid.proton.message.Message delivered = codec.toAmqp(stored, 0, 1);
        assertThat(delivered.getBody()).isInstanceOf(AmqpValue.class);
        assertThat(((AmqpValue) delivered.getBody()).getValue())
                .isEqualTo(new UnknownDescribedType(UnsignedLong.ZERO, null));
        byte[] wire = codec.toAmqpBytes(stored, 0, 1);
        assertThat(Arrays.copyOfRange(wire, wire.length - sent.length, wire.length)).as("the body section as it came")
                .isEqualTo(sent);
    }

    @Test
    void aRecordWithoutTheBodyHeaderIsOneDataSection() {
        Message fromKafka = Message.builder().body("plain".getBytes(StandardCharsets.UTF_8)).build();
        assertThat(((Data) codec.toAmqp(fromKafka, 0, 1).getBody()).getValue())
                .isEqualTo(new Binary("plain".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void headerAndPropertiesMapBothWays() {
        org.apache.qpid.proton.message.Message in = amqp("x");
        Header header = new Header();
        header.setDurable(true);
        header.setPriority(UnsignedByte.valueOf((byte) 7));
        header.setTtl(UnsignedInteger.valueOf(5_000));
        in.setHeader(header);
        Properties p = new Properties();
        UUID id = UUID.randomUUID();
        p.setMessageId(id);
        p.setCorrelationId(UnsignedLong.valueOf(42));
        p.setUserId(new Binary("guest".getBytes(StandardCharsets.UTF_8)));
        p.setTo("/queues/q");
        p.setSubject("subj");
        p.setReplyTo("/queues/r");
        p.setContentType(Symbol.valueOf("text/plain"));
        p.setContentEncoding(Symbol.valueOf("gzip"));
        p.setCreationTime(new Date(NOW - 1));
        p.setGroupId("g");
        p.setGroupSequence(UnsignedInteger.valueOf(3));
        p.setReplyToGroupId("rg");
        in.setProperties(p);

        Message m = codec.toNeutral(in, NOW);
        assertThat(m.properties().durable()).isTrue();
        assertThat(m.properties().priority()).isEqualTo(7);
        assertThat(m.properties().expiryTime()).isEqualTo(NOW + 5_000); // ttl from the publish time
        assertThat(m.properties().messageId()).isEqualTo(HeaderValue.ofUuid(id));
        assertThat(m.properties().correlationId()).isEqualTo(HeaderValue.ofUlong(42));
        assertThat(m.timestamp()).isEqualTo(NOW);

        org.apache.qpid.proton.message.Message out = codec.toAmqp(m, 2, 3);
        assertThat(out.getHeader().getDeliveryCount()).isEqualTo(UnsignedInteger.valueOf(2));
        assertThat(out.getMessageAnnotations().getValue()).containsEntry(MessageCodec.DELIVERY_COUNT, 2L);
        assertThat(out.getHeader().getFirstAcquirer()).isNull();
        assertThat(out.getHeader().getDurable()).isTrue();
        Properties back = out.getProperties();
        assertThat(back.getMessageId()).isEqualTo(id);
        assertThat(back.getCorrelationId()).isEqualTo(UnsignedLong.valueOf(42));
        assertThat(back.getUserId()).isEqualTo(new Binary("guest".getBytes(StandardCharsets.UTF_8)));
        assertThat(back.getTo()).isEqualTo("/queues/q");
        assertThat(back.getSubject()).isEqualTo("subj");
        assertThat(back.getReplyTo()).isEqualTo("/queues/r");
        assertThat((Object) back.getContentType()).isEqualTo(Symbol.valueOf("text/plain"));
        assertThat((Object) back.getContentEncoding()).isEqualTo(Symbol.valueOf("gzip"));
        assertThat(back.getAbsoluteExpiryTime()).isEqualTo(new Date(NOW + 5_000));
        assertThat(back.getCreationTime()).isEqualTo(new Date(NOW - 1));
        assertThat(back.getGroupId()).isEqualTo("g");
        assertThat(back.getGroupSequence()).isEqualTo(UnsignedInteger.valueOf(3));
        assertThat(back.getReplyToGroupId()).isEqualTo("rg");
    }

    @Test
    void everySimpleTypeOfApplicationPropertiesRoundTrips() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("null", null);
        props.put("bool", true);
        props.put("byte", (byte) -1);
        props.put("short", (short) -2);
        props.put("int", -3);
        props.put("long", -4L);
        props.put("ubyte", UnsignedByte.valueOf((byte) 250));
        props.put("ushort", UnsignedShort.valueOf((short) 65_000));
        props.put("uint", UnsignedInteger.valueOf(4_000_000_000L));
        props.put("ulong", UnsignedLong.valueOf(new java.math.BigInteger("18446744073709551615")));
        props.put("float", 1.5f);
        props.put("double", 2.5);
        props.put("decimal32", new Decimal32(0x2200000F));
        props.put("decimal128", new Decimal128(new BigDecimal("1.25")));
        props.put("char", 'é');
        props.put("symbol", Symbol.valueOf("sym"));
        props.put("uuid", UUID.randomUUID());
        props.put("timestamp", new Date(NOW));
        props.put("binary", new Binary(new byte[] {1, 2}));
        props.put("string", "text");
        org.apache.qpid.proton.message.Message in = amqp("x");
        in.setApplicationProperties(new ApplicationProperties(props));
        Message m = codec.toNeutral(in, NOW);
        assertThat(m.headers().get("uint").type()).isEqualTo(ValueType.UINT);
        assertThat(m.headers().get("symbol").type()).isEqualTo(ValueType.SYMBOL);
        assertThat(m.headers().get("timestamp").type()).isEqualTo(ValueType.TIMESTAMP);
        Map<String, Object> back = codec.toAmqp(m, 0, 1).getApplicationProperties().getValue();
        assertThat(back).isEqualTo(props);
    }

    @Test
    void typeAndAppIdTravelAsRabbitMqsApplicationProperties() {
        org.apache.qpid.proton.message.Message in = amqp("x");
        in.setApplicationProperties(new ApplicationProperties(Map.of("x-basic-type", "t", "x-basic-app-id", "a")));
        Message m = codec.toNeutral(in, NOW);
        assertThat(m.properties().type()).isEqualTo("t");
        assertThat(m.properties().appId()).isEqualTo("a");
        assertThat(m.headers()).isEmpty();
        assertThat(codec.toAmqp(m, 0, 1).getApplicationProperties().getValue())
                .containsEntry("x-basic-type", "t").containsEntry("x-basic-app-id", "a");
    }

    @Test
    void annotationsAreKeptAndDeliveryTimeBecomesNotBefore() {
        org.apache.qpid.proton.message.Message in = amqp("x");
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(Symbol.valueOf("x-opt-jms-msg-type"), (byte) 2);
        annotations.put(MessageCodec.DELIVERY_TIME, NOW + 1_000);
        in.setMessageAnnotations(new MessageAnnotations(annotations));
        Message m = codec.toNeutral(in, NOW);
        assertThat(m.properties().notBefore()).isEqualTo(NOW + 1_000);
        Map<Symbol, Object> back = codec.toAmqp(m, 0, 1).getMessageAnnotations().getValue();
        assertThat(back).containsEntry(Symbol.valueOf("x-opt-jms-msg-type"), (byte) 2)
                .doesNotContainKey(MessageCodec.DELIVERY_TIME);
    }

    @Test
    void aReservedApplicationPropertyIsRefused() {
        org.apache.qpid.proton.message.Message in = amqp("x");
        in.setApplicationProperties(new ApplicationProperties(Map.of("trilog.priority", "high")));
        assertThatThrownBy(() -> codec.toNeutral(in, NOW)).isInstanceOf(ReservedHeaderException.class);
    }

    @Test
    void aStreamMessageCarriesItsOffset() {
        byte[] bytes = codec.encodeStream(Message.builder().body(new byte[] {1}).build(), 17);
        org.apache.qpid.proton.message.Message m = org.apache.qpid.proton.message.Message.Factory.create();
        m.decode(bytes, 0, bytes.length);
        assertThat(m.getMessageAnnotations().getValue()).containsEntry(StreamLink.STREAM_OFFSET, 17L);
    }

    // ------------------------------------------------------------------ the encoding itself

    /**
     * The message as the codec built it before it wrote sections itself: a proton-j message,
     * encoded by {@code MessageImpl}. What goes on the wire must stay byte for byte the same.
     */
    private static byte[] referenceEncoding(Message m, int failedDeliveries, int acquisitions) {
        MessageCodec reference = new MessageCodec();
        org.apache.qpid.proton.message.Message amqp = org.apache.qpid.proton.message.Message.Factory.create();
        var p = m.properties();
        Header header = new Header();
        header.setDurable(p.durable());
        if (p.priority() != null) {
            header.setPriority(UnsignedByte.valueOf((byte) p.priority().intValue()));
        }
        if (failedDeliveries > 0) {
            header.setDeliveryCount(UnsignedInteger.valueOf(failedDeliveries));
        }
        header.setFirstAcquirer(acquisitions <= 1 ? Boolean.TRUE : null);
        amqp.setHeader(header);
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        HeaderValue kept = m.unknownProperties().get(MessageCodec.ANNOTATIONS_HEADER);
        if (kept != null) {
            org.apache.qpid.proton.codec.DecoderImpl decoder = new org.apache.qpid.proton.codec.DecoderImpl();
            org.apache.qpid.proton.codec.AMQPDefinedTypes.registerAllTypes(decoder,
                    new org.apache.qpid.proton.codec.EncoderImpl(decoder));
            decoder.setByteBuffer(java.nio.ByteBuffer.wrap(kept.asBytes()));
            annotations.putAll(((MessageAnnotations) decoder.readObject()).getValue());
        }
        if (failedDeliveries > 0) {
            annotations.put(MessageCodec.DELIVERY_COUNT, (long) failedDeliveries);
        }
        if (p.exchange() != null || p.routingKey() != null || !annotations.isEmpty()) {
            if (p.exchange() != null) {
                annotations.put(MessageCodec.EXCHANGE, p.exchange());
            }
            if (p.routingKey() != null) {
                annotations.put(MessageCodec.ROUTING_KEY, p.routingKey());
            }
            amqp.setMessageAnnotations(new MessageAnnotations(annotations));
        }
        Properties props = new Properties();
        props.setMessageId(MessageCodec.amqpIdOf(p.messageId()));
        props.setCorrelationId(MessageCodec.amqpIdOf(p.correlationId()));
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
        amqp.setProperties(props);
        if (!m.headers().isEmpty() || p.type() != null || p.appId() != null) {
            Map<String, Object> application = new LinkedHashMap<>();
            m.headers().forEach((name, value) -> application.put(name, MessageCodec.amqpValue(value)));
            if (p.type() != null) {
                application.put(MessageCodec.BASIC_TYPE, p.type());
            }
            if (p.appId() != null) {
                application.put(MessageCodec.BASIC_APP_ID, p.appId());
            }
            amqp.setApplicationProperties(new ApplicationProperties(application));
        }
        // the body: a round trip through the reference codec's proton message gives the section back
        amqp.setBody(reference.toAmqp(m, 0, 1).getBody());
        return reference.encode(amqp);
    }

    /** Messages as a JMS producer, a Kafka producer and the exchanges make them. */
    private List<Message> variedMessages() {
        org.apache.qpid.proton.message.Message jms = amqp(new Data(new Binary(new byte[1024])));
        Header header = new Header();
        header.setDurable(true);
        jms.setHeader(header);
        Map<Symbol, Object> jmsAnnotations = new LinkedHashMap<>();
        jmsAnnotations.put(Symbol.valueOf("x-opt-jms-msg-type"), (byte) 3);
        jmsAnnotations.put(Symbol.valueOf("x-opt-jms-dest"), (byte) 0);
        jms.setMessageAnnotations(new MessageAnnotations(jmsAnnotations));
        Properties p = new Properties();
        p.setMessageId("ID:abc:1:1:1-1");
        p.setTo("/amq/queue/q");
        jms.setProperties(p);
        jms.setApplicationProperties(new ApplicationProperties(Map.of("sent_at", 12345L)));
        Message fromJms = codec.toNeutral(jms, NOW);
        Message viaExchange = fromJms.toBuilder().properties(fromJms.properties().toBuilder()
                .exchange("amq.direct").routingKey("k").priority(9).build()).build();
        Message fromKafka = Message.builder().body("plain".getBytes(StandardCharsets.UTF_8))
                .header("h", HeaderValue.ofLong(1)).build();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1L);
        Message mapMessage = codec.toNeutral(amqp(map), NOW);
        Message text = codec.toNeutral(amqp("héllo"), NOW);
        return List.of(fromJms, viaExchange, fromKafka, mapMessage, text, fromJms, viaExchange, fromJms);
    }

    @Test
    void whatIsSentIsByteForByteWhatProtonsMessageEncodes() {
        for (Message m : variedMessages()) {
            for (int failed : new int[] {0, 2}) {
                byte[] sent = codec.toAmqpBytes(m, failed, failed + 1);
                assertThat(sent).as("%s failed %d", m, failed).isEqualTo(referenceEncoding(m, failed, failed + 1));
            }
        }
    }

    @Test
    void theSameAnnotationsComeBackTheSameEveryTimeAndOthersAreNotConfused() {
        Map<Symbol, Object> jms = Map.of(Symbol.valueOf("x-opt-jms-msg-type"), (byte) 3);
        Map<Symbol, Object> delayed = new LinkedHashMap<>(jms);
        delayed.put(MessageCodec.DELIVERY_DELAY, 500L);
        Map<Symbol, Object> other = Map.of(Symbol.valueOf("x-opt-jms-msg-type"), (byte) 5);
        long[] nows = {NOW, NOW + 10, NOW + 20, NOW + 30, NOW + 40, NOW + 50};
        List<Map<Symbol, Object>> sequence = List.of(jms, jms, delayed, delayed, other, jms);
        for (int i = 0; i < sequence.size(); i++) {
            org.apache.qpid.proton.message.Message in = amqp("x");
            Header header = new Header();
            header.setDurable(true);
            in.setHeader(header);
            in.setMessageAnnotations(new MessageAnnotations(sequence.get(i)));
            Message m = codec.toNeutral(in, nows[i]);
            Map<Symbol, Object> expected = new LinkedHashMap<>(sequence.get(i));
            expected.remove(MessageCodec.DELIVERY_DELAY);
            assertThat(m.properties().notBefore()).as("message %d", i)
                    .isEqualTo(sequence.get(i) == delayed ? nows[i] + 500 : null);
            assertThat(codec.toAmqp(m, 0, 1).getMessageAnnotations().getValue()).as("message %d", i)
                    .isEqualTo(expected);
        }
    }
}
