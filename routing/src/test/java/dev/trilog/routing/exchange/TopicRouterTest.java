package dev.trilog.routing.exchange;

import static dev.trilog.routing.exchange.Routes.bind;
import static dev.trilog.routing.exchange.Routes.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.routing.address.Binding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicRouterTest {

    /**
     * RabbitMQ's own topic-exchange unit test (rabbit's unit_SUITE, "topic matching"): 27
     * bindings, and the queues each routing key reaches.
     */
    static final List<Binding> RABBIT_BINDINGS = List.of(
            bind("a.b.c", "t1"), bind("a.*.c", "t2"), bind("a.#.b", "t3"), bind("a.b.b.c", "t4"),
            bind("#", "t5"), bind("#.#", "t6"), bind("#.b", "t7"), bind("*.*", "t8"), bind("a.*", "t9"),
            bind("*.b.c", "t10"), bind("a.#", "t11"), bind("a.#.#", "t12"), bind("b.b.c", "t13"),
            bind("a.b.b", "t14"), bind("a.b", "t15"), bind("b.c", "t16"), bind("", "t17"), bind("*.*.*", "t18"),
            bind("vodka.martini", "t19"), bind("a.b.c", "t20"), bind("*.#", "t21"), bind("#.*.#", "t22"),
            bind("*.#.#", "t23"), bind("#.#.#", "t24"), bind("*", "t25"), bind("#.b.#", "t26"),
            bind("args-test", "t27").withArguments(Map.of("foo", dev.trilog.routing.message.HeaderValue.ofString("bar"))),
            bind("args-test", "t27").withArguments(Map.of("foo", dev.trilog.routing.message.HeaderValue.ofString("baz"))));

    @ParameterizedTest(name = "key ''{0}''")
    @CsvSource(delimiter = '|', value = {
            "a.b.c               | t1 t2 t5 t6 t10 t11 t12 t18 t20 t21 t22 t23 t24 t26",
            "a.b                 | t3 t5 t6 t7 t8 t9 t11 t12 t15 t21 t22 t23 t24 t26",
            "a.b.b               | t3 t5 t6 t7 t11 t12 t14 t18 t21 t22 t23 t24 t26",
            "''                  | t5 t6 t17 t24",
            "b.c.c               | t5 t6 t18 t21 t22 t23 t24 t26",
            "a.a.a.a.a           | t5 t6 t11 t12 t21 t22 t23 t24",
            "vodka.gin           | t5 t6 t8 t21 t22 t23 t24",
            "vodka.martini       | t5 t6 t8 t19 t21 t22 t23 t24",
            "b.b.c               | t5 t6 t10 t13 t18 t21 t22 t23 t24 t26",
            "nothing.here.at.all | t5 t6 t21 t22 t23 t24",
            "oneword             | t5 t6 t21 t22 t23 t24 t25",
            "args-test           | t5 t6 t21 t22 t23 t24 t25 t27"})
    void rabbitMqsTopicTable(String key, String expected) {
        assertThat(route(new TopicRouter(RABBIT_BINDINGS), key)).isEqualTo(queues(expected));
    }

    @ParameterizedTest(name = "key ''{0}''")
    @CsvSource(delimiter = '|', value = {
            "a.b.c               | t2 t6 t10 t12 t18 t20 t22 t23 t24 t26",
            "a.b                 | t3 t6 t7 t8 t9 t12 t15 t22 t23 t24 t26",
            "a.b.b               | t3 t6 t7 t12 t14 t18 t22 t23 t24 t26",
            "''                  | t6 t17 t24",
            "b.c.c               | t6 t18 t22 t23 t24 t26",
            "a.a.a.a.a           | t6 t12 t22 t23 t24",
            "vodka.gin           | t6 t8 t22 t23 t24",
            "vodka.martini       | t6 t8 t22 t23 t24",
            "b.b.c               | t6 t10 t13 t18 t22 t23 t24 t26",
            "nothing.here.at.all | t6 t22 t23 t24",
            "oneword             | t6 t22 t23 t24 t25",
            "args-test           | t6 t22 t23 t24 t25 t27"})
    void rabbitMqsTopicTableAfterRemovingBindings(String key, String expected) {
        // the same test removes bindings 1, 5, 11, 19, 21 and 28; t27 stays bound through its other arguments
        List<Binding> remaining = new ArrayList<>(RABBIT_BINDINGS);
        for (int index : new int[] {27, 20, 18, 10, 4, 0}) {
            remaining.remove(index);
        }
        assertThat(route(new TopicRouter(remaining), key)).isEqualTo(queues(expected));
    }

    /** RabbitMQ tutorial 5 ("Topics"): the animals. */
    @ParameterizedTest(name = "key ''{0}''")
    @CsvSource(delimiter = '|', value = {
            "quick.orange.rabbit      | Q1 Q2",
            "lazy.orange.elephant     | Q1 Q2",
            "quick.orange.fox         | Q1",
            "lazy.brown.fox           | Q2",
            "lazy.pink.rabbit         | Q2",
            "quick.brown.fox          | ''",
            "orange                   | ''",
            "quick.orange.new.rabbit  | ''",
            "lazy.orange.new.rabbit   | Q2",
            "quick.orange.male.rabbit | ''"})
    void rabbitMqsTutorialAnimals(String key, String expected) {
        TopicRouter router = new TopicRouter(List.of(bind("*.orange.*", "Q1"), bind("*.*.rabbit", "Q2"),
                bind("lazy.#", "Q2")));
        assertThat(route(router, key)).isEqualTo(queues(expected));
    }

    @ParameterizedTest(name = "''{0}'' on ''{1}'' is {2}")
    @CsvSource(delimiter = '|', value = {
            "#         | ''        | true",
            "#         | a         | true",
            "#         | a.b.c     | true",
            "#         | .         | true",
            "*         | ''        | false",
            "*         | a         | true",
            "*         | a.b       | false",
            "*         | .         | false",
            "''        | ''        | true",
            "''        | a         | false",
            "a.#       | a         | true",
            "a.#       | a.b.c     | true",
            "a.#       | ab        | false",
            "a.#       | ''        | false",
            "#.a       | a         | true",
            "#.a       | b.a       | true",
            "#.a       | a.b       | false",
            "a.*.#     | a         | false",
            "a.*.#     | a.b       | true",
            "a.*.#     | a.b.c.d   | true",
            "#.#       | ''        | true",
            "a.#.#.b   | a.b       | true",
            "a.#.b     | a.x.y.b   | true",
            "a.#.b     | a.x.y.c   | false",
            "*.*       | a.        | true",
            "*.*       | .a        | true",
            "a..b      | a..b      | true",
            "a.*.b     | a..b      | true",
            "a.b       | a..b      | false",
            "*         | *         | true",
            "a         | *         | false",
            "#         | #         | true",
            "a         | #         | false",
            "#.*       | ''        | false",
            "#.*       | a         | true",
            "*.#       | a         | true",
            "*.#       | ''        | false",
            "#.*.#.*.# | a         | false",
            "#.*.#.*.# | a.b       | true",
            "A         | a         | false",
            "né.*      | né.∂      | true"})
    void wordRules(String pattern, String key, boolean expected) {
        assertThat(route(new TopicRouter(List.of(bind(pattern, "q"))), key).contains("q")).isEqualTo(expected);
        assertThat(TopicReference.matches(pattern, key)).as("the reference agrees").isEqualTo(expected);
    }

    @Test
    void theTrieAgreesWithTheReferenceOnRandomPatternsAndKeys() {
        Random random = new Random(20_26);
        String[] words = {"a", "b", "c", "", "*", "#"};
        for (int round = 0; round < 300; round++) {
            List<Binding> bindings = new ArrayList<>();
            List<String> patterns = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(30); i++) {
                String pattern = randomKey(random, words, 5);
                patterns.add(pattern);
                bindings.add(bind(pattern, "q" + i));
            }
            TopicRouter router = new TopicRouter(bindings);
            for (int k = 0; k < 50; k++) {
                String key = randomKey(random, new String[] {"a", "b", "c", ""}, 6);
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < patterns.size(); i++) {
                    if (TopicReference.matches(patterns.get(i), key)) {
                        expected.add("q" + i);
                    }
                }
                assertThat(route(router, key)).as("key '%s' against %s", key, patterns).isEqualTo(expected);
            }
        }
    }

    @Test
    void manyHashesStayCheap() {
        // each run of '#' is one trie node, so this pattern does not explode on a long key
        String pattern = "#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.z";
        String key = "a.".repeat(40) + "y";
        TopicRouter router = new TopicRouter(List.of(bind(pattern, "q")));
        long start = System.nanoTime();
        assertThat(route(router, key)).isEmpty();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }

    private static String randomKey(Random random, String[] words, int maxWords) {
        int n = random.nextInt(maxWords + 1);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(words[random.nextInt(words.length)]);
        }
        return String.join(".", parts);
    }

    static Set<String> queues(String spaceSeparated) {
        Set<String> set = new TreeSet<>();
        for (String q : spaceSeparated.trim().split("\\s+")) {
            if (!q.isEmpty()) {
                set.add(q);
            }
        }
        return set;
    }
}
