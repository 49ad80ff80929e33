package dev.trilog.amqp.v10;

import dev.trilog.routing.address.VhostNames;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A node address as an AMQP 1.0 client writes it in a source, a target or a message's {@code to}:
 * RabbitMQ 4's v2 addresses, with the v1 forms and bare names as aliases.
 *
 * <pre>
 *   address                      kind         name             key          missing queue
 *   /queues/Q                    QUEUE        Q                -            amqp:not-found
 *   /exchanges/X/K               EXCHANGE     X                K            (exchange: amqp:not-found)
 *   /exchanges/X                 EXCHANGE     X                subject      (exchange: amqp:not-found)
 *   /queue/Q          (v1)       QUEUE        Q                -            declared
 *   /amq/queue/Q      (v1)       QUEUE        Q                -            amqp:not-found
 *   /exchange/X/K     (v1)       EXCHANGE     X                K
 *   /exchange/X       (v1)       EXCHANGE     X                subject
 *   /topic/K          (v1)       EXCHANGE     amq.topic        K
 *   Q                 (bare)     QUEUE        Q                -            declared
 *   Q  + capability "topic"      EXCHANGE     amq.topic        Q            (a Qpid JMS Topic)
 *   /topics/T                    TOPIC        T                -            (sources: a stream of Kafka topic T)
 * </pre>
 * In v2 addresses each segment is percent-encoded (RFC 3986), as RabbitMQ 4 writes them; v1
 * addresses and bare names are taken literally. An address that starts with {@code /} and is
 * none of these is refused ({@link InvalidAddressException}).
 *
 * @param kind    a queue, or an exchange to publish to
 * @param name    the queue's or the exchange's name
 * @param key     the routing key; null = the message's {@code subject} (exchanges only)
 * @param declare true when a missing queue is declared (durable, no arguments), as RabbitMQ 3.x
 *                did for {@code /queue/Q} and Artemis does for a bare name; false = {@code amqp:not-found}
 */
public record AmqpAddress(Kind kind, String name, String key, boolean declare) {

    /** What an address names. */
    public enum Kind {
        QUEUE,
        EXCHANGE,
        /** A Kafka topic, read as a stream (sources only). */
        TOPIC
    }

    /** The exchange {@code /topic/K} publishes to. */
    public static final String TOPIC_EXCHANGE = "amq.topic";

    public AmqpAddress {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    public static AmqpAddress queue(String name, boolean declare) {
        return new AmqpAddress(Kind.QUEUE, name, null, declare);
    }

    public static AmqpAddress exchange(String name, String key) {
        return new AmqpAddress(Kind.EXCHANGE, name, key, false);
    }

    public static AmqpAddress topic(String name) {
        return new AmqpAddress(Kind.TOPIC, name, null, false);
    }

    /**
     * This address in {@code vhost}: its queue, exchange or topic name qualified ({@link VhostNames});
     * in {@code /} this very address.
     *
     * @throws InvalidAddressException for a name in {@code /} that reads as another vhost's
     */
    public AmqpAddress in(String vhost) throws InvalidAddressException {
        try {
            String qualified = VhostNames.qualify(vhost, name);
            return qualified.equals(name) ? this : new AmqpAddress(kind, qualified, key, declare);
        } catch (IllegalArgumentException e) {
            throw new InvalidAddressException(e.getMessage());
        }
    }

    public boolean isQueue() {
        return kind == Kind.QUEUE;
    }

    /** The capability Qpid JMS puts on the source or target of a JMS Topic. */
    static final org.apache.qpid.proton.amqp.Symbol TOPIC_CAPABILITY = org.apache.qpid.proton.amqp.Symbol.valueOf("topic");

    /**
     * This address as a terminus with {@code capabilities} means it: a bare name with the
     * {@code topic} capability (a JMS Topic) is {@code /topic/<name>}, publishing to
     * {@value #TOPIC_EXCHANGE} with the name as routing key.
     */
    public AmqpAddress forCapabilities(String address, org.apache.qpid.proton.amqp.Symbol[] capabilities) {
        if (address == null || address.startsWith("/") || capabilities == null) {
            return this;
        }
        for (org.apache.qpid.proton.amqp.Symbol capability : capabilities) {
            if (TOPIC_CAPABILITY.equals(capability)) {
                return exchange(TOPIC_EXCHANGE, address);
            }
        }
        return this;
    }

    /** The address refused: not a form Trilog knows, or a badly encoded segment. */
    public static final class InvalidAddressException extends Exception {
        public InvalidAddressException(String message) {
            super(message);
        }
    }

    /**
     * Parses an address (see the class comment).
     *
     * @throws InvalidAddressException for an empty address, an unknown {@code /…} form or bad
     *         percent-encoding
     */
    public static AmqpAddress parse(String address) throws InvalidAddressException {
        if (address == null || address.isEmpty()) {
            throw new InvalidAddressException("empty address");
        }
        if (!address.startsWith("/")) {
            return queue(address, true);
        }
        String[] s = address.substring(1).split("/", -1);
        switch (s[0]) {
            case "queues":
                if (s.length == 2) {
                    return queue(decode(s[1], address), false);
                }
                break;
            case "topics":
                if (s.length == 2) {
                    return topic(decode(s[1], address));
                }
                break;
            case "exchanges":
                if (s.length == 2) {
                    return exchange(decode(s[1], address), null);
                }
                if (s.length == 3) {
                    return exchange(decode(s[1], address), decode(s[2], address, true));
                }
                break;
            case "queue":
                if (s.length == 2 && !s[1].isEmpty()) {
                    return queue(s[1], true);
                }
                break;
            case "amq":
                if (s.length == 3 && s[1].equals("queue") && !s[2].isEmpty()) {
                    return queue(s[2], false);
                }
                break;
            case "exchange":
                if (s.length == 2 && !s[1].isEmpty()) {
                    return exchange(s[1], null);
                }
                if (s.length == 3 && !s[1].isEmpty()) {
                    return exchange(s[1], s[2]);
                }
                break;
            case "topic":
                if (s.length == 2) {
                    return exchange(TOPIC_EXCHANGE, s[1]);
                }
                break;
            default:
                break;
        }
        throw new InvalidAddressException("address '" + address + "' is none of /queues/Q, /exchanges/X/K,"
                + " /exchanges/X, /topics/T, /queue/Q, /amq/queue/Q, /exchange/X/K, /exchange/X, /topic/K or a bare"
                + " queue name");
    }

    private static String decode(String segment, String address) throws InvalidAddressException {
        return decode(segment, address, false);
    }

    /** RFC 3986 percent-decoding of one segment into UTF-8 text; only a routing key may be empty. */
    private static String decode(String segment, String address, boolean mayBeEmpty) throws InvalidAddressException {
        if (segment.isEmpty() && !mayBeEmpty) {
            throw new InvalidAddressException("address '" + address + "' has an empty name");
        }
        try {
            return percentDecode(segment);
        } catch (InvalidAddressException e) {
            throw new InvalidAddressException("address '" + address + "' " + e.getMessage());
        }
    }

    /**
     * RFC 3986 percent-decoding into UTF-8 text. Works on the segment's UTF-8 bytes, so that a
     * character written as it is (outside the BMP, two chars in Java) is kept whole next to
     * escaped ones, and takes only ASCII hex digits after {@code %}.
     */
    static String percentDecode(String segment) throws InvalidAddressException {
        String address = segment;
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        byte[] in = segment.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '%') {
                out.write(in[i]);
                continue;
            }
            if (i + 2 >= in.length || !HexFormat.isHexDigit(in[i + 1]) || !HexFormat.isHexDigit(in[i + 2])) {
                throw new InvalidAddressException("'" + address + "' has a bad percent-encoding");
            }
            out.write(HexFormat.fromHexDigit(in[i + 1]) << 4 | HexFormat.fromHexDigit(in[i + 2]));
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidAddressException("'" + address + "' does not decode to UTF-8 text");
        }
    }
}
