package dev.trilog.routing.message;

import static dev.trilog.routing.message.RecordTrip.headerText;
import static dev.trilog.routing.message.RecordTrip.roundTrip;
import static dev.trilog.routing.message.RecordTrip.throughBatch;
import static dev.trilog.routing.message.RecordTrip.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageMappingTest {

    static final long T = 1_700_000_000_000L;

    /** One value of every type, some with a custom type as SQS gives them. */
    static Stream<HeaderValue> everyType() {
        return Stream.of(
                HeaderValue.nullValue(),
                HeaderValue.ofString(""),
                HeaderValue.ofString("plain"),
                HeaderValue.ofString("{\"json\":true}").withCustomType("json"),
                HeaderValue.ofBoolean(true),
                HeaderValue.ofBoolean(false),
                HeaderValue.ofByte((byte) -7),
                HeaderValue.ofShort((short) -300),
                HeaderValue.ofInt(123_456),
                HeaderValue.ofLong(-9_000_000_000L),
                HeaderValue.ofUbyte(250),
                HeaderValue.ofUshort(60_000),
                HeaderValue.ofUint(4_000_000_000L),
                HeaderValue.ofUlong(-2),
                HeaderValue.ofFloat(3.25f),
                HeaderValue.ofFloat(Float.NaN),
                HeaderValue.ofDouble(Math.PI),
                HeaderValue.ofDouble(Double.MIN_VALUE),
                HeaderValue.ofDecimal(new BigDecimal("-12.340")),
                HeaderValue.ofDecimal("1E+3"),
                HeaderValue.ofDecimal("0.5").withCustomType("float"),
                HeaderValue.ofChar('x'),
                HeaderValue.ofChar(0x1F680),
                HeaderValue.ofSymbol("urgent"),
                HeaderValue.ofUuid(UUID.randomUUID()),
                HeaderValue.ofTimestamp(T),
                HeaderValue.ofBinary(new byte[0]),
                HeaderValue.ofBinary(utf8("valid utf-8 but binary")),
                HeaderValue.ofBinary(new byte[] {(byte) 0xFF, 0, (byte) 0xC3, 0x28}).withCustomType("png"));
    }

    @ParameterizedTest
    @MethodSource("everyType")
    void everyHeaderTypeSurvivesTheLog(HeaderValue value) {
        Message message = Message.builder().body("b").timestamp(T).header("h", value).build();
        Message back = roundTrip(message);
        assertThat(back.headers()).containsExactly(Map.entry("h", value));
        assertThat(back).isEqualTo(message);
    }

    @ParameterizedTest
    @MethodSource("everyType")
    void aKafkaConsumerReadsTheValueAsText(HeaderValue value) {
        LogRecord record = throughBatch(MessageMapping.toRecord(Message.builder().header("h", value).build()), "none");
        LogRecord.Header header = record.headers().get(0);
        assertThat(header.key()).isEqualTo("h");
        switch (value.type()) {
            case NULL -> assertThat(header.value()).isNull();
            case BINARY -> assertThat(header.value()).isEqualTo(value.asBytes());
            default -> assertThat(headerText(record, "h")).isEqualTo(value.text());
        }
    }

    @Test
    void typesTravelInOneHeaderThatListsOnlyWhatTextCannotSay() {
        Message message = Message.builder()
                .header("name", "ada")
                .header("count", HeaderValue.ofLong(3))
                .header("ratio", HeaderValue.ofDouble(0.25))
                .header("blob", HeaderValue.ofBinary(new byte[] {1}))
                .header("price", HeaderValue.ofDecimal("9.99").withCustomType("usd"))
                .header("nothing", HeaderValue.nullValue())
                .properties(MessageProperties.builder().messageId(HeaderValue.ofUlong(42)).build())
                .build();
        LogRecord record = throughBatch(MessageMapping.toRecord(message), "none");
        assertThat(headerText(record, "trilog.types"))
                .isEqualTo("count:long,ratio:double,blob:binary,price:decimal.usd,trilog.message-id:ulong");
        assertThat(record.headers()).extracting(LogRecord.Header::key).containsExactly(
                "name", "count", "ratio", "blob", "price", "nothing", "trilog.message-id", "trilog.types");
    }

    @Test
    void aMessageOfStringsNeedsNoTypesHeader() {
        RecordData record = MessageMapping.toRecord(Message.builder().header("a", "1").header("b", "2").build());
        assertThat(record.headers()).extracting(LogRecord.Header::key).containsExactly("a", "b");
    }

    @Test
    void everyPropertySurvivesTheLog() {
        MessageProperties all = MessageProperties.builder()
                .messageId(HeaderValue.ofUuid(UUID.randomUUID()))
                .correlationId(HeaderValue.ofBinary(new byte[] {(byte) 0xFF, 1}))
                .userId("guest")
                .to("/queues/orders")
                .subject("order.created")
                .replyTo("/queues/replies")
                .contentType("application/json")
                .contentEncoding("gzip")
                .expiryTime(T + 60_000)
                .creationTime(T - 5)
                .groupId("customer-7")
                .groupSequence(4_294_967_295L)
                .replyToGroupId("replies-7")
                .type("OrderCreated")
                .appId("shop")
                .priority(9)
                .durable(true)
                .deduplicationId("dedup-1")
                .notBefore(T + 900_000)
                .exchange("amq.topic")
                .routingKey("order.created.eu")
                .build();
        Message message = Message.builder().body("{}").key(utf8("k")).timestamp(T).properties(all).build();
        assertThat(roundTrip(message)).isEqualTo(message);
        assertThat(roundTrip(message).properties()).isEqualTo(all);
    }

    @ParameterizedTest
    @MethodSource("idValues")
    void idsKeepTheirAmqpType(HeaderValue id) {
        Message message = Message.builder()
                .properties(MessageProperties.builder().messageId(id).correlationId(id).build()).build();
        assertThat(roundTrip(message).properties().messageId()).isEqualTo(id);
        assertThat(roundTrip(message).properties().correlationId()).isEqualTo(id);
    }

    static Stream<HeaderValue> idValues() {
        return Stream.of(HeaderValue.ofString("id-1"), HeaderValue.ofString("12345"), HeaderValue.ofUlong(12345),
                HeaderValue.ofUuid(UUID.randomUUID()), HeaderValue.ofBinary(new byte[] {0, 1, 2}),
                HeaderValue.ofBinary(utf8("text-looking")));
    }

    @Test
    void propertiesAreReadableTextInReservedHeaders() {
        Message message = Message.builder().properties(MessageProperties.builder()
                .messageId("m-1").contentType("text/plain").priority(5).durable(false).notBefore(T)
                .groupSequence(7L).build()).build();
        LogRecord record = throughBatch(MessageMapping.toRecord(message), "none");
        assertThat(headerText(record, "trilog.message-id")).isEqualTo("m-1");
        assertThat(headerText(record, "trilog.content-type")).isEqualTo("text/plain");
        assertThat(headerText(record, "trilog.priority")).isEqualTo("5");
        assertThat(headerText(record, "trilog.durable")).isEqualTo("false");
        assertThat(headerText(record, "trilog.not-before")).isEqualTo(Long.toString(T));
        assertThat(headerText(record, "trilog.group-sequence")).isEqualTo("7");
        assertThat(headerText(record, "trilog.types")).isNull();
    }

    @Test
    void emptyAndMissingBodiesAndKeysStayApart() {
        Message none = Message.builder().build();
        Message empty = Message.builder().body(new byte[0]).key(new byte[0]).build();
        assertThat(roundTrip(none).hasBody()).isFalse();
        assertThat(roundTrip(none).key()).isNull();
        assertThat(roundTrip(empty).bodyBytes()).isEmpty();
        assertThat(roundTrip(empty).keyBytes()).isEmpty();
        assertThat(roundTrip(none)).isEqualTo(none);
        assertThat(roundTrip(empty)).isEqualTo(empty);
    }

    @Test
    void bodiesOfArbitraryBytesSurviveEveryCodec() {
        byte[] body = new byte[70_000];
        new java.util.Random(7).nextBytes(body);
        Message message = Message.builder().body(body).timestamp(T).build();
        for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
            Message back = MessageMapping.fromRecord(throughBatch(MessageMapping.toRecord(message), codec));
            assertThat(back).as(codec).isEqualTo(message);
        }
    }

    @Test
    void unicodeNamesAndValuesSurvive() {
        Message message = Message.builder()
                .header("名前", "値 ✓")
                .header("emoji 😀, with: commas%", HeaderValue.ofLong(1))
                .header("", HeaderValue.ofBoolean(true))
                .header("tab\tand\nnewline", HeaderValue.ofDecimal("1.0").withCustomType("ünï:cødé,.x"))
                .properties(MessageProperties.builder().subject("ñandú.🚀").replyTo("répondre").build())
                .build();
        assertThat(roundTrip(message)).isEqualTo(message);
    }

    @Test
    void hundredsOfHeadersSurviveInTheirOrder() {
        Message.Builder builder = Message.builder();
        List<HeaderValue> kinds = everyType().toList();
        for (int i = 0; i < 300; i++) {
            builder.header("h" + (299 - i), kinds.get(i % kinds.size()));
        }
        Message message = builder.build();
        Message back = roundTrip(message);
        assertThat(back).isEqualTo(message);
        assertThat(back.headers().keySet()).containsExactlyElementsOf(message.headers().keySet());
    }

    @Test
    void theGroupIdIsTheKeyWhenNoKeyIsGiven() {
        Message fifo = Message.builder().properties(MessageProperties.builder().groupId("customer-7").build()).build();
        assertThat(fifo.keyBytes()).isEqualTo(utf8("customer-7"));
        RecordData record = MessageMapping.toRecord(fifo);
        assertThat(record.key()).isEqualTo(utf8("customer-7"));
        assertThat(roundTrip(fifo)).isEqualTo(fifo);

        Message keyed = Message.builder().key(utf8("k"))
                .properties(MessageProperties.builder().groupId("customer-7").build()).build();
        assertThat(roundTrip(keyed).keyBytes()).isEqualTo(utf8("k"));
        assertThat(roundTrip(keyed).properties().groupId()).isEqualTo("customer-7");
    }

    @Test
    void aPlainKafkaRecordIsAMessageOfStringHeaders() {
        RecordData plain = new RecordData(T, utf8("user-1"), utf8("{\"a\":1}"), List.of(
                new LogRecord.Header("traceparent", utf8("00-abc-01")),
                new LogRecord.Header("count", utf8("12")),
                new LogRecord.Header("raw", new byte[] {(byte) 0xFF, (byte) 0xFE}),
                new LogRecord.Header("absent", null),
                new LogRecord.Header("dup", utf8("first")),
                new LogRecord.Header("dup", utf8("last"))));
        Message message = MessageMapping.fromRecord(throughBatch(plain, "none"));
        assertThat(message.bodyBytes()).isEqualTo(utf8("{\"a\":1}"));
        assertThat(message.keyBytes()).isEqualTo(utf8("user-1"));
        assertThat(message.timestamp()).isEqualTo(T);
        assertThat(message.headers()).containsExactly(
                Map.entry("traceparent", HeaderValue.ofString("00-abc-01")),
                Map.entry("count", HeaderValue.ofString("12")),
                Map.entry("raw", HeaderValue.ofBinary(new byte[] {(byte) 0xFF, (byte) 0xFE})),
                Map.entry("absent", HeaderValue.nullValue()),
                Map.entry("dup", HeaderValue.ofString("last")));
        assertThat(message.properties()).isEqualTo(MessageProperties.NONE);
        assertThat(message.unknownProperties()).isEmpty();
    }

    @Test
    void aPlainKafkaTombstoneIsAMessageWithoutBody() {
        Message message = MessageMapping.fromRecord(throughBatch(RecordData.of(T, utf8("k"), null), "none"));
        assertThat(message.hasBody()).isFalse();
        assertThat(message.headers()).isEmpty();
    }

    @Test
    void reservedHeadersOfANewerVersionAreKeptWithTheirTypes() {
        RecordData newer = new RecordData(T, null, utf8("x"), List.of(
                new LogRecord.Header("trilog.message-id", utf8("m-1")),
                new LogRecord.Header("trilog.future-thing", utf8("42")),
                new LogRecord.Header("trilog.future-text", utf8("hello")),
                new LogRecord.Header("trilog.types", utf8("trilog.future-thing:long,trilog.other:list"))));
        Message message = MessageMapping.fromRecord(throughBatch(newer, "none"));
        assertThat(message.properties().messageId()).isEqualTo(HeaderValue.ofString("m-1"));
        assertThat(message.unknownProperties()).containsExactly(
                Map.entry("trilog.future-thing", HeaderValue.ofLong(42)),
                Map.entry("trilog.future-text", HeaderValue.ofString("hello")));

        LogRecord again = throughBatch(MessageMapping.toRecord(message), "none");
        assertThat(headerText(again, "trilog.future-thing")).isEqualTo("42");
        assertThat(headerText(again, "trilog.future-text")).isEqualTo("hello");
        assertThat(headerText(again, "trilog.types")).isEqualTo("trilog.future-thing:long");
        assertThat(MessageMapping.fromRecord(again)).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"trilog.priority=high", "trilog.priority=300", "trilog.durable=yes",
            "trilog.not-before=soon", "trilog.group-sequence=-1"})
    void aReservedHeaderThatDoesNotParseIsKeptNotLost(String header) {
        String[] parts = header.split("=");
        RecordData handMade = new RecordData(T, null, utf8("x"), List.of(new LogRecord.Header(parts[0], utf8(parts[1]))));
        Message message = MessageMapping.fromRecord(throughBatch(handMade, "none"));
        assertThat(message.properties()).isEqualTo(MessageProperties.NONE);
        assertThat(message.unknownProperties()).containsExactly(Map.entry(parts[0], HeaderValue.ofString(parts[1])));
        assertThat(headerText(throughBatch(MessageMapping.toRecord(message), "none"), parts[0])).isEqualTo(parts[1]);
    }

    @Test
    void aHeaderListedAsATypeItIsNotIsReadAsText() {
        RecordData handMade = new RecordData(T, null, null, List.of(
                new LogRecord.Header("n", utf8("not a number")),
                new LogRecord.Header("trilog.types", utf8("n:long,garbage,:,x:"))));
        Message message = MessageMapping.fromRecord(throughBatch(handMade, "none"));
        assertThat(message.headers()).containsExactly(Map.entry("n", HeaderValue.ofString("not a number")));
    }

    @Test
    void applicationHeadersMayNotUseTheReservedPrefix() {
        assertThatThrownBy(() -> Message.builder().header("trilog.message-id", "mine"))
                .isInstanceOf(ReservedHeaderException.class)
                .hasMessageContaining("trilog.message-id")
                .hasMessageContaining("reserves");
        assertThatThrownBy(() -> Message.builder().headers(Map.of("trilog.x", HeaderValue.ofLong(1))))
                .isInstanceOf(ReservedHeaderException.class);
        // the prefix is exact: a different case is an ordinary name, as Kafka header names are case-sensitive
        assertThat(roundTrip(Message.builder().header("Trilog.x", "ok").build()).headers()).containsKey("Trilog.x");
    }

    @Test
    void theMessageIsImmutable() {
        byte[] body = utf8("body");
        Message message = Message.builder().body(body).header("a", "1").build();
        assertThatThrownBy(() -> message.headers().put("b", HeaderValue.ofString("2")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(message.body().isReadOnly()).isTrue();
        message.bodyBytes()[0] = 'X';
        assertThat(message.bodyBytes()).isEqualTo(utf8("body"));
        assertThat(message.toBuilder().build()).isEqualTo(message);
    }

    @Test
    void theBodyAsTextIsItsUtf8WithMalformedBytesReplaced() {
        assertThat(roundTrip(Message.builder().body("héllo 🙂").build()).bodyAsUtf8()).isEqualTo("héllo 🙂");
        assertThat(Message.builder().body(new byte[] {'a', (byte) 0xC3, 'b', (byte) 0xFF}).build().bodyAsUtf8())
                .isEqualTo("a\uFFFDb\uFFFD");
        assertThat(Message.builder().build().bodyAsUtf8()).isEmpty(); // no body (a Kafka tombstone)
    }

    @Test
    void propertyHeadersNameTheSetPropertiesInTheTablesOrder() {
        Message message = Message.builder().body("b").properties(MessageProperties.builder().contentType("text/plain")
                .messageId("m-1").priority(7).build()).build();

        Map<String, HeaderValue> shown = MessageMapping.propertyHeaders(roundTrip(message));

        assertThat(shown.keySet()).containsExactly("trilog.message-id", "trilog.content-type", "trilog.priority");
        assertThat(shown.get("trilog.priority").text()).isEqualTo("7");
        assertThat(MessageMapping.propertyHeaders(Message.builder().body("b").build())).isEmpty();
    }
}
