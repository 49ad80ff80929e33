package dev.trilog.amqp.v091.mapping;

import com.rabbitmq.client.AMQP;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.message.ValueType;
import dev.trilog.routing.queue.DeathHistory;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMQP 0-9-1 content ({@code basic.properties} and body) ⇄ Trilog's {@link Message}, as
 * docs/message-mapping.md's column "AMQP 0-9-1" says; docs/amqp091.md has the table.
 *
 * <p>In: every property but the deprecated {@code cluster-id}; {@code expiration} (ms, text) is
 * stored as an absolute expiry time from the publish time, {@code timestamp} (seconds) as ms.
 * Out: the same properties back; {@code expiration} as expiry − record timestamp; the
 * dead-letter history ({@code trilog.deaths}, {@link DeathHistory}) as RabbitMQ's {@code x-death}
 * array and the {@code x-first-death-*} / {@code x-last-death-*} headers; a message id or
 * correlation id that is not a string as its text plus {@code x-message-id-type} /
 * {@code x-correlation-id-type}.
 */
public final class ContentProperties {

    public static final String MESSAGE_ID_TYPE = "x-message-id-type";
    public static final String CORRELATION_ID_TYPE = "x-correlation-id-type";

    private ContentProperties() {
    }

    /**
     * The message a publish carries.
     *
     * @param publishedMs the publish time (the record's timestamp; {@code expiration} counts from it)
     * @throws IllegalArgumentException for an {@code expiration} that is not a non-negative
     *                                  integer, or a header named {@code trilog.*}
     *                                  ({@link dev.trilog.routing.message.ReservedHeaderException})
     */
    public static Message toMessage(AMQP.BasicProperties p, byte[] body, long publishedMs) {
        return toMessage(p, body, publishedMs, null, null);
    }

    /**
     * The message a publish to {@code exchange} (its name in the vhost) with {@code routingKey}
     * carries, stamped with both as the facade's {@code publishToExchange} stamps them — built
     * once here, so the facade need not build it again.
     */
    public static Message toMessage(AMQP.BasicProperties p, byte[] body, long publishedMs, String exchange,
            String routingKey) {
        MessageProperties.Builder props = MessageProperties.builder().exchange(exchange).routingKey(routingKey);
        if (p.getMessageId() != null) {
            props.messageId(p.getMessageId());
        }
        if (p.getCorrelationId() != null) {
            props.correlationId(p.getCorrelationId());
        }
        props.userId(p.getUserId()).replyTo(p.getReplyTo()).contentType(p.getContentType())
                .contentEncoding(p.getContentEncoding()).type(p.getType()).appId(p.getAppId())
                .priority(p.getPriority());
        if (p.getDeliveryMode() != null) {
            props.durable(p.getDeliveryMode() == 2);
        }
        if (p.getTimestamp() != null) {
            props.creationTime(p.getTimestamp().getTime());
        }
        if (p.getExpiration() != null) {
            props.expiryTime(publishedMs + expirationMs(p.getExpiration()));
        }
        Message.Builder message = Message.builder().body(body).timestamp(publishedMs).properties(props.build());
        if (p.getHeaders() != null) {
            message.headers(FieldTables.toHeaderValues(p.getHeaders()));
        }
        return message.build();
    }

    /** RabbitMQ's rule: a non-negative integer of milliseconds, as text. */
    static long expirationMs(String expiration) {
        try {
            long ms = Long.parseLong(expiration);
            if (ms >= 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("invalid expiration value '" + expiration + "'");
    }

    /** The properties a consumer sees for {@code message}. */
    public static AMQP.BasicProperties toProperties(Message message) {
        MessageProperties p = message.properties();
        Map<String, Object> headers = FieldTables.toFieldTable(message.headers());
        AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder();
        if (p.messageId() != null) {
            b.messageId(idText(p.messageId(), MESSAGE_ID_TYPE, headers));
        }
        if (p.correlationId() != null) {
            b.correlationId(idText(p.correlationId(), CORRELATION_ID_TYPE, headers));
        }
        b.userId(p.userId()).replyTo(p.replyTo()).contentType(p.contentType()).contentEncoding(p.contentEncoding())
                .type(p.type()).appId(p.appId()).priority(p.priority());
        if (p.durable() != null) {
            b.deliveryMode(p.durable() ? 2 : 1);
        }
        if (p.creationTime() != null) {
            b.timestamp(new Date(p.creationTime()));
        }
        if (p.expiryTime() != null && message.timestamp() != Message.NO_TIMESTAMP) {
            b.expiration(Long.toString(Math.max(0, p.expiryTime() - message.timestamp())));
        }
        deathHeaders(message.unknownProperties(), headers);
        if (!headers.isEmpty()) {
            b.headers(headers);
        }
        return b.build();
    }

    private static String idText(HeaderValue id, String typeHeader, Map<String, Object> headers) {
        if (id.type() == ValueType.STRING) {
            return id.asString();
        }
        headers.putIfAbsent(typeHeader, id.type().token());
        return id.type() == ValueType.BINARY ? java.util.Base64.getEncoder().encodeToString(id.asBytes()) : id.text();
    }

    /**
     * x-death and x-first/last-death-* from the message's {@link DeathHistory}, as RabbitMQ
     * presents them: one table per (queue, reason), most recent first, with its count.
     */
    private static void deathHeaders(Map<String, HeaderValue> unknown, Map<String, Object> headers) {
        DeathHistory history = DeathHistory.of(unknown);
        if (!history.any()) {
            return;
        }
        List<Object> deaths = new ArrayList<>(history.deaths().size());
        for (DeathHistory.Death d : history.deaths()) {
            Map<String, Object> death = new LinkedHashMap<>();
            death.put("count", d.count());
            death.put("reason", d.reason());
            death.put("queue", d.queue());
            if (d.timeMs() > 0) {
                death.put("time", new Date(d.timeMs()));
            }
            death.put("exchange", d.exchange());
            death.put("routing-keys", new ArrayList<Object>(d.routingKeys()));
            if (d.originalExpiration() != null) {
                death.put("original-expiration", d.originalExpiration());
            }
            deaths.add(death);
        }
        headers.putIfAbsent("x-death", deaths);
        DeathHistory.First first = history.first();
        headers.putIfAbsent("x-first-death-reason", first.reason());
        headers.putIfAbsent("x-first-death-queue", first.queue());
        headers.putIfAbsent("x-first-death-exchange", first.exchange());
        DeathHistory.Death last = history.last();
        headers.putIfAbsent("x-last-death-reason", last.reason());
        headers.putIfAbsent("x-last-death-queue", last.queue());
        headers.putIfAbsent("x-last-death-exchange", last.exchange());
    }
}
