package dev.trilog.routing.topology;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every binding, found by source exchange and by destination. Not thread-safe: the topology
 * changes it under its lock, and routing never reads it (routers are built from it).
 */
final class BindingIndex {

    private final Map<String, Set<Binding>> bySource = new HashMap<>();
    private final Map<Destination, Set<Binding>> byDestination = new HashMap<>();

    boolean contains(Binding binding) {
        return bySource.getOrDefault(binding.source(), Set.of()).contains(binding);
    }

    void add(Binding binding) {
        bySource.computeIfAbsent(binding.source(), s -> new LinkedHashSet<>()).add(binding);
        byDestination.computeIfAbsent(binding.destination(), d -> new LinkedHashSet<>()).add(binding);
    }

    void clear() {
        bySource.clear();
        byDestination.clear();
    }

    void remove(Binding binding) {
        removeFrom(bySource, binding.source(), binding);
        removeFrom(byDestination, binding.destination(), binding);
    }

    private static <K> void removeFrom(Map<K, Set<Binding>> index, K key, Binding binding) {
        Set<Binding> set = index.get(key);
        if (set != null && set.remove(binding) && set.isEmpty()) {
            index.remove(key);
        }
    }

    /** The bindings of {@code exchange} as the source, in the order they were made. */
    Collection<Binding> from(String exchange) {
        return List.copyOf(bySource.getOrDefault(exchange, Set.of()));
    }

    boolean hasAnyFrom(String exchange) {
        return bySource.containsKey(exchange);
    }

    Collection<Binding> to(Destination destination) {
        return List.copyOf(byDestination.getOrDefault(destination, Set.of()));
    }

    /** Bindings that have {@code exchange} as source or destination. */
    Collection<Binding> involving(String exchange) {
        Set<Binding> all = new LinkedHashSet<>(from(exchange));
        all.addAll(to(Destination.exchange(exchange)));
        return all;
    }

    List<Binding> all() {
        List<Binding> all = new ArrayList<>();
        bySource.values().forEach(all::addAll);
        return all;
    }
}
