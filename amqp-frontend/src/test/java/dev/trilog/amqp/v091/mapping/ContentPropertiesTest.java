package dev.trilog.amqp.v091.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.message.ValueType;
import dev.trilog.routing.queue.DeadLetterHeaders;
import dev.trilog.routing.queue.DeathHistory;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** basic.properties ⇄ Message, as docs/message-mapping.md and docs/amqp091.md say. */
class ContentPropertiesTest {

    static final long NOW = 1_700_000_000_123L;

    @Test
    void everyPropertyGoesInAndComesBack() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("str", LongStringHelper.asLongString("text"));
        headers.put("int", 1);
        headers.put("long", 2L);
        headers.put("short", (short) 3);
        headers.put("byte", (byte) 4);
        headers.put("bool", true);
        headers.put("float", 1.5f);
        headers.put("double", 2.5d);
        headers.put("decimal", new BigDecimal("12.34"));
        headers.put("time", new Date(1_600_000_000_000L));
        headers.put("bytes", new byte[] {1, 2, 3});
        headers.put("void", null);
        headers.put("table", Map.of("k", 1));
        headers.put("array", List.of(1, "two"));
        AMQP.BasicProperties in = new AMQP.BasicProperties.Builder().contentType("application/json")
                .contentEncoding("gzip").headers(headers).deliveryMode(2).priority(7).correlationId("corr")
                .replyTo("replies").expiration("5000").messageId("id-1").timestamp(new Date(1_600_000_000_000L))
                .type("order.created").userId("guest").appId("shop").build();

        Message message = ContentProperties.toMessage(in, "{}".getBytes(), NOW);
        MessageProperties p = message.properties();
        assertThat(p.contentType()).isEqualTo("application/json");
        assertThat(p.durable()).isTrue();
        assertThat(p.priority()).isEqualTo(7);
        assertThat(p.expiryTime()).isEqualTo(NOW + 5000);
        assertThat(p.creationTime()).isEqualTo(1_600_000_000_000L);
        assertThat(message.timestamp()).isEqualTo(NOW);
        assertThat(message.headers().get("decimal").type()).isEqualTo(ValueType.DECIMAL);
        assertThat(message.headers().get("time").type()).isEqualTo(ValueType.TIMESTAMP);
        assertThat(message.headers().get("table").customType()).contains(FieldTables.TABLE);

        // through the Kafka record and back, as a consumer reads it
        RecordData data = MessageMapping.toRecord(message);
        Message stored = MessageMapping.fromRecord(new LogRecord(0, data.timestamp(), null,
                ByteBuffer.wrap(data.value()), data.headers()));
        AMQP.BasicProperties out = ContentProperties.toProperties(stored);
        assertThat(out.getContentType()).isEqualTo("application/json");
        assertThat(out.getContentEncoding()).isEqualTo("gzip");
        assertThat(out.getDeliveryMode()).isEqualTo(2);
        assertThat(out.getPriority()).isEqualTo(7);
        assertThat(out.getCorrelationId()).isEqualTo("corr");
        assertThat(out.getReplyTo()).isEqualTo("replies");
        assertThat(out.getExpiration()).isEqualTo("5000");
        assertThat(out.getMessageId()).isEqualTo("id-1");
        assertThat(out.getTimestamp()).isEqualTo(new Date(1_600_000_000_000L));
        assertThat(out.getType()).isEqualTo("order.created");
        assertThat(out.getUserId()).isEqualTo("guest");
        assertThat(out.getAppId()).isEqualTo("shop");
        Map<String, Object> h = out.getHeaders();
        assertThat(h.get("str")).isEqualTo("text");
        assertThat(h).containsEntry("int", 1).containsEntry("long", 2L).containsEntry("short", (short) 3)
                .containsEntry("byte", (byte) 4).containsEntry("bool", true).containsEntry("float", 1.5f)
                .containsEntry("double", 2.5d).containsEntry("decimal", new BigDecimal("12.34"))
                .containsEntry("time", new Date(1_600_000_000_000L)).containsEntry("void", null);
        assertThat((byte[]) h.get("bytes")).containsExactly(1, 2, 3);
        assertThat(h.get("table")).isEqualTo(Map.of("k", 1));
        assertThat(((List<?>) h.get("array")).get(0)).isEqualTo(1);
        assertThat(((List<?>) h.get("array")).get(1).toString()).isEqualTo("two");
    }

    @Test
    void anInvalidExpirationIsRefused() {
        AMQP.BasicProperties bad = new AMQP.BasicProperties.Builder().expiration("soon").build();
        assertThatThrownBy(() -> ContentProperties.toMessage(bad, new byte[0], NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiration");
        AMQP.BasicProperties negative = new AMQP.BasicProperties.Builder().expiration("-1").build();
        assertThatThrownBy(() -> ContentProperties.toMessage(negative, new byte[0], NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReservedHeaderNameIsRefused() {
        AMQP.BasicProperties reserved = new AMQP.BasicProperties.Builder()
                .headers(Map.of("trilog.priority", "high")).build();
        assertThatThrownBy(() -> ContentProperties.toMessage(reserved, new byte[0], NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nonStringIdsComeOutAsTextWithTheirType() {
        UUID id = UUID.randomUUID();
        Message m = Message.builder().properties(MessageProperties.builder().messageId(HeaderValue.ofUuid(id))
                .correlationId(HeaderValue.ofUlong(42)).build()).build();
        AMQP.BasicProperties out = ContentProperties.toProperties(m);
        assertThat(out.getMessageId()).isEqualTo(id.toString());
        assertThat(out.getHeaders()).containsEntry(ContentProperties.MESSAGE_ID_TYPE, "uuid");
        assertThat(out.getCorrelationId()).isEqualTo("42");
        assertThat(out.getHeaders()).containsEntry(ContentProperties.CORRELATION_ID_TYPE, "ulong");
    }

    @Test
    void deadLetterHeadersBecomeXDeath() {
        Message m = Message.builder().body("x")
                .unknownProperty(DeadLetterHeaders.REASON, HeaderValue.ofString("expired"))
                .unknownProperty(DeadLetterHeaders.QUEUE, HeaderValue.ofString("orders"))
                .unknownProperty(DeadLetterHeaders.COUNT, HeaderValue.ofLong(2))
                .unknownProperty(DeadLetterHeaders.TIME, HeaderValue.ofTimestamp(1_600_000_000_000L)).build();
        Map<String, Object> h = ContentProperties.toProperties(m).getHeaders();
        @SuppressWarnings("unchecked")
        Map<String, Object> death = ((List<Map<String, Object>>) h.get("x-death")).get(0);
        assertThat(death).containsEntry("count", 2L).containsEntry("reason", "expired")
                .containsEntry("queue", "orders").containsEntry("time", new Date(1_600_000_000_000L));
        assertThat(h).containsEntry("x-first-death-reason", "expired").containsEntry("x-first-death-queue", "orders")
                .containsEntry("x-last-death-reason", "expired").containsEntry("x-last-death-queue", "orders");
    }

    @Test
    void aDeathHistoryBecomesOneXDeathTablePerQueueAndReasonMostRecentFirst() {
        DeathHistory history = DeathHistory.NONE
                .after(new DeathHistory.Death("work", "rejected", 1, 1_600_000_000_000L, "jobs", List.of("new"), null))
                .after(new DeathHistory.Death("retry", "expired", 1, 1_600_000_001_000L, "", List.of("retry"), "50"))
                .after(new DeathHistory.Death("work", "rejected", 1, 1_600_000_002_000L, "", List.of("work"), null));
        Message m = Message.builder().body("x").unknownProperty(DeadLetterHeaders.DEATHS, history.toHeader()).build();
        Map<String, Object> h = ContentProperties.toProperties(m).getHeaders();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) h.get("x-death");
        assertThat(deaths).hasSize(2);
        assertThat(deaths.get(0)).containsEntry("count", 2L).containsEntry("reason", "rejected")
                .containsEntry("queue", "work").containsEntry("exchange", "")
                .containsEntry("routing-keys", List.of("work")).containsEntry("time", new Date(1_600_000_002_000L))
                .doesNotContainKey("original-expiration");
        assertThat(deaths.get(1)).containsEntry("count", 1L).containsEntry("queue", "retry")
                .containsEntry("original-expiration", "50");
        assertThat(h).containsEntry("x-first-death-queue", "work").containsEntry("x-first-death-exchange", "jobs")
                .containsEntry("x-last-death-queue", "work").containsEntry("x-last-death-reason", "rejected");
    }

    @Test
    void aPlainKafkaRecordReadsAsABareMessage() {
        Message m = Message.builder().body("v").timestamp(NOW).header("trace", "abc").build();
        AMQP.BasicProperties out = ContentProperties.toProperties(m);
        assertThat(out.getContentType()).isNull();
        assertThat(out.getDeliveryMode()).isNull();
        assertThat(out.getHeaders()).containsEntry("trace", "abc");
    }

    @Test
    void fieldValuesThatDoNotFitTheirWireTypeBecomeText() {
        assertThat(FieldTables.toFieldValue(HeaderValue.ofUlong(-1L))).isEqualTo("18446744073709551615");
        assertThat(FieldTables.toFieldValue(HeaderValue.ofDecimal("1e400"))).isEqualTo("1e400");
        assertThat(FieldTables.toFieldValue(HeaderValue.ofSymbol("sym"))).isEqualTo("sym");
        assertThat(FieldTables.toHeaderValue(LongStringHelper.asLongString(new byte[] {(byte) 0xff}))
                .type()).isEqualTo(ValueType.BINARY);
    }
}
