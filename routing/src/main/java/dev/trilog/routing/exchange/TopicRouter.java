package dev.trilog.routing.exchange;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.Destination;
import dev.trilog.routing.message.HeaderValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Topic exchange, as RabbitMQ matches: keys and patterns are words separated by {@code .}
 * (the empty key has no words; {@code a..b} has an empty middle word); in a pattern {@code *}
 * matches exactly one word and {@code #} zero or more.
 *
 * <p>The patterns form a trie over words, the structure RabbitMQ uses, so a routing key costs a
 * walk over the words it can match rather than a test of every binding. A run of {@code #}
 * words is stored as one ({@code #.#} matches what {@code #} matches), which keeps the walk from
 * trying the same split of the key many times over.
 */
final class TopicRouter implements ExchangeRouter {

    private final Node root = new Node();

    TopicRouter(Collection<Binding> bindings) {
        for (Binding b : bindings) {
            Node node = root;
            String previous = null;
            for (String word : TopicWords.split(b.key())) {
                if (!(word.equals("#") && "#".equals(previous))) {
                    node = node.child(word);
                }
                previous = word;
            }
            if (!node.destinations.contains(b.destination())) {
                node.destinations.add(b.destination());
            }
        }
    }

    @Override
    public void route(String routingKey, Map<String, HeaderValue> headers, Consumer<Destination> out) {
        match(root, TopicWords.split(routingKey), 0, out);
    }

    private static void match(Node node, String[] words, int i, Consumer<Destination> out) {
        Node hash = node.hash;
        if (hash != null) {
            if (hash.isLeaf()) {
                // a trailing '#' matches whatever is left, once
                hash.emit(out);
            } else {
                for (int j = i; j <= words.length; j++) {
                    match(hash, words, j, out);
                }
            }
        }
        if (i == words.length) {
            node.emit(out);
            return;
        }
        Node literal = node.words.get(words[i]);
        if (literal != null) {
            match(literal, words, i + 1, out);
        }
        if (node.star != null) {
            match(node.star, words, i + 1, out);
        }
    }

    /** One trie node: the patterns that end here, and the next word's edges. Not changed once built. */
    private static final class Node {
        final Map<String, Node> words = new HashMap<>();
        Node star;
        Node hash;
        final List<Destination> destinations = new ArrayList<>(1);

        Node child(String word) {
            return switch (word) {
                case "*" -> star == null ? star = new Node() : star;
                case "#" -> hash == null ? hash = new Node() : hash;
                default -> words.computeIfAbsent(word, w -> new Node());
            };
        }

        boolean isLeaf() {
            return star == null && hash == null && words.isEmpty();
        }

        void emit(Consumer<Destination> out) {
            for (int k = 0; k < destinations.size(); k++) {
                out.accept(destinations.get(k));
            }
        }
    }
}
