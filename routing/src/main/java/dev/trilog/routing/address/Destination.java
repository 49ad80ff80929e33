package dev.trilog.routing.address;

import java.util.Objects;

/** Where a binding leads: a queue, or another exchange (RabbitMQ's exchange-to-exchange bindings). */
public record Destination(Kind kind, String name) {

    public enum Kind {
        QUEUE, EXCHANGE
    }

    public Destination {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    public static Destination queue(String name) {
        return new Destination(Kind.QUEUE, name);
    }

    public static Destination exchange(String name) {
        return new Destination(Kind.EXCHANGE, name);
    }

    public boolean isQueue() {
        return kind == Kind.QUEUE;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + name + "'";
    }
}
