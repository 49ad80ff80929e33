package dev.trilog.routing.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every time a message was dead-lettered, as RabbitMQ's {@code x-death} keeps it: one entry per
 * (queue, reason), most recent first, whose {@code count} grows when the message dies again in
 * the same queue for the same reason (that entry then moves to the front, with this death's time,
 * exchange and routing keys), plus the first death ever ({@code x-first-death-*}). Carried in the
 * reserved header {@value DeadLetterHeaders#DEATHS} as JSON, so every protocol passes it on and a
 * Kafka consumer can read it; AMQP 0-9-1 consumers see it as {@code x-death}.
 *
 * @param first  the first death, or null when the message was never dead-lettered
 * @param deaths one entry per (queue, reason), most recent first
 */
public record DeathHistory(@JsonProperty("first") First first, @JsonProperty("deaths") List<Death> deaths) {

    /** Where and why a message was first dead-lettered, and the exchange it was published to then. */
    public record First(@JsonProperty("queue") String queue, @JsonProperty("reason") String reason,
            @JsonProperty("exchange") String exchange) {
    }

    /**
     * The deaths of a message in one queue for one reason.
     *
     * @param count              how many times
     * @param timeMs             when, the last time (ms since the epoch)
     * @param exchange           the exchange it had been published to before the last of them
     * @param routingKeys        the routing keys it had been published with
     * @param originalExpiration its per-message expiry (ms, as 0-9-1's {@code expiration}), which
     *                           dead-lettering removed; null when it had none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Death(@JsonProperty("queue") String queue, @JsonProperty("reason") String reason,
            @JsonProperty("count") long count, @JsonProperty("time") long timeMs,
            @JsonProperty("exchange") String exchange, @JsonProperty("routing-keys") List<String> routingKeys,
            @JsonProperty("original-expiration") String originalExpiration) {

        public Death {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(reason, "reason");
            exchange = exchange == null ? "" : exchange;
            routingKeys = routingKeys == null ? List.of() : List.copyOf(routingKeys);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false); // a newer version's fields

    public DeathHistory {
        deaths = deaths == null ? List.of() : List.copyOf(deaths);
    }

    /** A message never dead-lettered. */
    public static final DeathHistory NONE = new DeathHistory(null, List.of());

    /**
     * The history {@code message} carries: its {@value DeadLetterHeaders#DEATHS} header; for a
     * message dead-lettered before that header existed (or with one that cannot be read), one
     * entry from the flat {@code trilog.death-*} headers; {@link #NONE} when it has neither.
     */
    public static DeathHistory of(Message message) {
        return of(message.unknownProperties());
    }

    /** {@link #of(Message)} from a message's unknown properties. */
    public static DeathHistory of(Map<String, HeaderValue> unknown) {
        HeaderValue json = unknown.get(DeadLetterHeaders.DEATHS);
        if (json != null && json.type() == ValueType.STRING) {
            try {
                DeathHistory read = JSON.readValue(json.asString(), DeathHistory.class);
                if (read.first != null && !read.deaths.isEmpty()) {
                    return read;
                }
            } catch (JsonProcessingException | RuntimeException e) {
                // not ours (a hand-made header): the flat headers below
            }
        }
        return fromFlatHeaders(unknown);
    }

    private static DeathHistory fromFlatHeaders(Map<String, HeaderValue> unknown) {
        HeaderValue reason = unknown.get(DeadLetterHeaders.REASON);
        HeaderValue queue = unknown.get(DeadLetterHeaders.QUEUE);
        if (reason == null || queue == null || reason.isNull() || queue.isNull()) {
            return NONE;
        }
        long count = 1;
        long time = 0;
        try {
            HeaderValue c = unknown.get(DeadLetterHeaders.COUNT);
            count = c == null || c.isNull() ? 1 : c.asLong();
            HeaderValue t = unknown.get(DeadLetterHeaders.TIME);
            time = t == null || t.isNull() ? 0 : t.type() == ValueType.TIMESTAMP ? t.asTimestamp() : t.asLong();
        } catch (RuntimeException e) {
            // hand-made values that are not numbers: the defaults
        }
        Death only = new Death(queue.text(), reason.text(), count, time, "", List.of(), null);
        return new DeathHistory(new First(only.queue(), only.reason(), ""), List.of(only));
    }

    /** Whether the message was ever dead-lettered. */
    public boolean any() {
        return first != null;
    }

    /** The most recent death, or null. */
    public Death last() {
        return deaths.isEmpty() ? null : deaths.get(0);
    }

    /** How many times it was dead-lettered in all. */
    public long total() {
        return deaths.stream().mapToLong(Death::count).sum();
    }

    /** The history after one more death, {@code death} (its count is ignored: this one counts one). */
    public DeathHistory after(Death death) {
        List<Death> next = new ArrayList<>(deaths.size() + 1);
        long count = 1;
        for (Death d : deaths) {
            if (d.queue().equals(death.queue()) && d.reason().equals(death.reason())) {
                count += d.count();
            } else {
                next.add(d);
            }
        }
        next.add(0, new Death(death.queue(), death.reason(), count, death.timeMs(), death.exchange(),
                death.routingKeys(), death.originalExpiration()));
        First firstDeath = first != null ? first : new First(death.queue(), death.reason(), death.exchange());
        return new DeathHistory(firstDeath, next);
    }

    /**
     * RabbitMQ's cycle rule for a message this history's latest death would route into
     * {@code queue}: it cycles when it already died in {@code queue} and no death since then
     * (that one included) was a consumer's rejection — it would only expire or hit a limit there
     * again, forever, so that copy is dropped. A rejection in the cycle means a consumer is
     * involved, and the message goes on.
     */
    public boolean cyclesInto(String queue) {
        for (Death d : deaths) {
            if (d.reason().equals(DeadLetterHeaders.Reason.REJECTED.text())) {
                return false;
            }
            if (d.queue().equals(queue)) {
                return true;
            }
        }
        return false;
    }

    /** The {@value DeadLetterHeaders#DEATHS} header's value. */
    public HeaderValue toHeader() {
        try {
            return HeaderValue.ofString(JSON.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a death history that JSON cannot hold: " + this, e);
        }
    }
}
