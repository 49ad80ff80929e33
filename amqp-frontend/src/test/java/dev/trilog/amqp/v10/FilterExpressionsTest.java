package dev.trilog.amqp.v10;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.junit.jupiter.api.Test;

class FilterExpressionsTest {

    private static DescribedType described(Object descriptor, Object value) {
        return new DescribedType() {
            @Override
            public Object getDescriptor() {
                return descriptor;
            }

            @Override
            public Object getDescribed() {
                return value;
            }
        };
    }

    private static final Message ORDER = Message.builder().body(new byte[0])
            .properties(MessageProperties.builder().subject("order.new").messageId("m-1").groupSequence(7L).build())
            .header("region", HeaderValue.ofString("eu")).header("count", HeaderValue.ofInt(3))
            .header("weird", HeaderValue.ofString("&odd")).build();

    @Test
    void prefixSuffixAndEscapedStrings() {
        assertThat(FilterExpressions.matches("&p:order.", "order.new")).isTrue();
        assertThat(FilterExpressions.matches("&p:invoice", "order.new")).isFalse();
        assertThat(FilterExpressions.matches("&s:.new", "order.new")).isTrue();
        assertThat(FilterExpressions.matches("&&odd", "&odd")).isTrue();
        assertThat(FilterExpressions.matches(Symbol.valueOf("eu"), "eu")).isTrue();
    }

    @Test
    void numbersCompareByValueAcrossTypes() {
        assertThat(FilterExpressions.matches(3L, 3)).isTrue();
        assertThat(FilterExpressions.matches(UnsignedInteger.valueOf(3), (byte) 3)).isTrue();
        assertThat(FilterExpressions.matches(3.0, 3)).isTrue();
        assertThat(FilterExpressions.matches(UnsignedLong.valueOf(4), 3)).isFalse();
        assertThat(FilterExpressions.matches("3", 3)).isFalse();
    }

    @Test
    void everyEntryOfBothFiltersMustMatch() {
        var both = FilterExpressions.of(List.of(
                described(FilterExpressions.PROPERTIES, Map.of(Symbol.valueOf("subject"), "&p:order")),
                described(FilterExpressions.APPLICATION_PROPERTIES_CODE, Map.of("region", "eu", "count", 3L))));
        assertThat(both.test(ORDER)).isTrue();
        var missing = FilterExpressions.of(List.of(
                described(FilterExpressions.APPLICATION_PROPERTIES, Map.of("absent", "x"))));
        assertThat(missing.test(ORDER)).isFalse();
        var sequence = FilterExpressions.of(List.of(
                described(FilterExpressions.PROPERTIES, Map.of(Symbol.valueOf("group-sequence"), 7L))));
        assertThat(sequence.test(ORDER)).isTrue();
        assertThat(FilterExpressions.of(List.of()).isEmpty()).isTrue();
    }
}
