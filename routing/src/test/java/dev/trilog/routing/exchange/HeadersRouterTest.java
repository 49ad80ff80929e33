package dev.trilog.routing.exchange;

import static dev.trilog.routing.exchange.Routes.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.routing.address.Binding;
import dev.trilog.routing.address.ExchangeType;
import dev.trilog.routing.message.HeaderValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeadersRouterTest {

    static final HeaderValue VOID = HeaderValue.nullValue();

    static Map<String, HeaderValue> map(Object... nameValue) {
        Map<String, HeaderValue> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            Object v = nameValue[i + 1];
            map.put((String) nameValue[i], v instanceof HeaderValue h ? h : HeaderValue.ofString((String) v));
        }
        return map;
    }

    static Binding binding(String queue, Map<String, HeaderValue> arguments) {
        return Binding.toQueue("amq.match", queue, "").withArguments(arguments);
    }

    /**
     * The RabbitMQ Java client's routing test: Q1 bound with x-match=all and Q2 with any to
     * {h1=12345, h2=bar, h3=void, x-key-1=…} (the x- argument ignored by both).
     */
    static Stream<Arguments> rabbitJavaClientHeadersRouting() {
        return Stream.of(
                Arguments.of(map(), Set.of()),
                Arguments.of(map("h1", "12345"), Set.of("Q2")),
                Arguments.of(map("h2", "bar"), Set.of("Q2")),
                Arguments.of(map("h1", "12345", "h2", "bar"), Set.of("Q2")),
                Arguments.of(map("h1", "12345", "h2", "bar", "h3", VOID), Set.of("Q1", "Q2")),
                Arguments.of(map("h1", "12345", "h2", "quux"), Set.of("Q2")),
                Arguments.of(map("h1", "zot", "h2", "quux", "h3", VOID), Set.of("Q2")),
                Arguments.of(map("h3", VOID), Set.of("Q2")),
                Arguments.of(map("h1", "zot", "h2", "quux"), Set.of()),
                // presence is all a void argument asks for: any value will do
                Arguments.of(map("h1", "12345", "h2", "bar", "h3", HeaderValue.ofLong(9)), Set.of("Q1", "Q2")));
    }

    @ParameterizedTest
    @MethodSource
    void rabbitJavaClientHeadersRouting(Map<String, HeaderValue> headers, Set<String> expected) {
        Map<String, HeaderValue> spec = map("h1", "12345", "h2", "bar", "h3", VOID,
                "x-key-1", "bindings starting with x- get filtered out");
        HeadersRouter router = new HeadersRouter(List.of(
                binding("Q1", with(spec, "x-match", "all")),
                binding("Q2", with(spec, "x-match", "any"))));
        assertThat(route(router, "", headers)).isEqualTo(expected);
    }

    @Test
    void withXConsidersXArgumentsAndPlainFormsIgnoreThem() {
        Map<String, HeaderValue> spec = map("h1", "v", "x-tenant", "acme");
        HeadersRouter router = new HeadersRouter(List.of(
                binding("all", with(spec, "x-match", "all")),
                binding("any", with(spec, "x-match", "any")),
                binding("all-with-x", with(spec, "x-match", "all-with-x")),
                binding("any-with-x", with(spec, "x-match", "any-with-x"))));
        assertThat(route(router, "", map("h1", "v"))).containsExactlyInAnyOrder("all", "any", "any-with-x");
        assertThat(route(router, "", map("h1", "v", "x-tenant", "acme")))
                .containsExactlyInAnyOrder("all", "any", "all-with-x", "any-with-x");
        assertThat(route(router, "", map("x-tenant", "acme"))).containsExactly("any-with-x");
        assertThat(route(router, "", map("x-tenant", "other"))).isEmpty();
    }

    @Test
    void xMatchIsNeverACondition() {
        HeadersRouter router = new HeadersRouter(List.of(binding("q", map("x-match", "all-with-x", "a", "1"))));
        assertThat(route(router, "", map("a", "1"))).containsExactly("q");
    }

    @Test
    void allIsTheDefaultAndABindingWithoutConditionsMatchesAllButNotAny() {
        HeadersRouter router = new HeadersRouter(List.of(
                binding("default", map("a", "1", "b", "2")),
                binding("empty-all", map()),
                binding("empty-any", map("x-match", "any")),
                binding("only-x-any", map("x-match", "any", "x-a", "1"))));
        assertThat(route(router, "", map("a", "1"))).containsExactly("empty-all");
        assertThat(route(router, "", map("a", "1", "b", "2"))).containsExactlyInAnyOrder("default", "empty-all");
        assertThat(route(router, "", map())).containsExactly("empty-all");
    }

    @Test
    void theRoutingKeyDoesNotMatter() {
        HeadersRouter router = new HeadersRouter(List.of(binding("q", map("a", "1"))));
        assertThat(route(router, "anything", map("a", "1"))).containsExactly("q");
    }

    @Test
    void numbersMatchByValueAcrossTypesAsErlangCompares() {
        HeadersRouter router = new HeadersRouter(List.of(binding("q", map("n", HeaderValue.ofInt(5)))));
        assertThat(route(router, "", map("n", HeaderValue.ofLong(5)))).containsExactly("q");
        assertThat(route(router, "", map("n", HeaderValue.ofUbyte(5)))).containsExactly("q");
        assertThat(route(router, "", map("n", HeaderValue.ofDouble(5.0)))).containsExactly("q");
        assertThat(route(router, "", map("n", HeaderValue.ofDecimal("5.00")))).containsExactly("q");
        assertThat(route(router, "", map("n", HeaderValue.ofDouble(5.5)))).isEmpty();
        assertThat(route(router, "", map("n", HeaderValue.ofDouble(Double.NaN)))).isEmpty();
        assertThat(route(router, "", map("n", "5"))).as("a string is not a number").isEmpty();
        assertThat(route(router, "", map("n", HeaderValue.ofTimestamp(5)))).as("nor a timestamp").isEmpty();
    }

    @Test
    void stringsSymbolsAndBinaryMatchByTheirBytes() {
        HeadersRouter router = new HeadersRouter(List.of(binding("q", map("s", "abc"))));
        assertThat(route(router, "", map("s", HeaderValue.ofBinary("abc".getBytes())))).containsExactly("q");
        assertThat(route(router, "", map("s", HeaderValue.ofSymbol("abc")))).containsExactly("q");
        assertThat(route(router, "", map("s", HeaderValue.ofString("abc").withCustomType("sqs-label"))))
                .containsExactly("q");
        assertThat(route(router, "", map("s", "ABC"))).isEmpty();
    }

    @Test
    void otherTypesMatchOnlyThemselves() {
        HeadersRouter router = new HeadersRouter(List.of(binding("q", map("b", HeaderValue.ofBoolean(true)))));
        assertThat(route(router, "", map("b", HeaderValue.ofBoolean(true)))).containsExactly("q");
        assertThat(route(router, "", map("b", "true"))).isEmpty();
        assertThat(route(router, "", map("b", HeaderValue.ofInt(1)))).isEmpty();
        assertThat(route(router, "", map("b", VOID))).as("a void header is not true").isEmpty();
    }

    @Test
    void anInvalidXMatchIsRefusedAtBindTime() {
        assertThatThrownBy(() -> ExchangeRouter.validate(ExchangeType.HEADERS, binding("q", map("x-match", "some"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected all, any, all-with-x, or any-with-x");
        assertThatThrownBy(() -> ExchangeRouter.validate(ExchangeType.HEADERS,
                binding("q", map("x-match", HeaderValue.ofInt(1))))).hasMessageContaining("expected a string");
        ExchangeRouter.validate(ExchangeType.TOPIC, binding("q", map("x-match", "some")));
    }

    private static Map<String, HeaderValue> with(Map<String, HeaderValue> base, String name, String value) {
        Map<String, HeaderValue> copy = new LinkedHashMap<>(base);
        copy.put(name, HeaderValue.ofString(value));
        return copy;
    }
}
