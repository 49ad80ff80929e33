package dev.trilog.amqp.v10;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.qpid.proton.amqp.Symbol;
import org.junit.jupiter.api.Test;

class AmqpAddressTest {

    private static AmqpAddress parse(String address) throws AmqpAddress.InvalidAddressException {
        return AmqpAddress.parse(address);
    }

    @Test
    void v2QueueAddressesDoNotDeclare() throws Exception {
        assertThat(parse("/queues/orders")).isEqualTo(AmqpAddress.queue("orders", false));
    }

    @Test
    void v2ExchangeAddressesWithAndWithoutKey() throws Exception {
        assertThat(parse("/exchanges/amq.direct/orders")).isEqualTo(AmqpAddress.exchange("amq.direct", "orders"));
        assertThat(parse("/exchanges/amq.topic")).isEqualTo(AmqpAddress.exchange("amq.topic", null));
        assertThat(parse("/exchanges/x/")).isEqualTo(AmqpAddress.exchange("x", ""));
    }

    @Test
    void v2SegmentsArePercentDecoded() throws Exception {
        assertThat(parse("/queues/a%2Fb")).isEqualTo(AmqpAddress.queue("a/b", false));
        assertThat(parse("/exchanges/my%20x/k%C3%A9y")).isEqualTo(AmqpAddress.exchange("my x", "kéy"));
    }

    /** Found by AmqpAddressFuzzTest: a character outside the BMP next to an escape came out as "??". */
    @Test
    void charactersWrittenAsTheyAreSurviveNextToEscapes() throws Exception {
        assertThat(parse("/queues/\uD83D\uDE00%2Fa")).isEqualTo(AmqpAddress.queue("\uD83D\uDE00/a", false));
        assertThat(parse("/queues/caf\u00E9%20x")).isEqualTo(AmqpAddress.queue("caf\u00E9 x", false));
        assertThatThrownBy(() -> parse("/queues/%\uFF11\uFF11")).isInstanceOf(AmqpAddress.InvalidAddressException.class);
    }

    @Test
    void topicAddressesNameAKafkaTopic() throws Exception {
        assertThat(parse("/topics/clicks")).isEqualTo(AmqpAddress.topic("clicks"));
        assertThat(parse("/topics/a%2Eb")).isEqualTo(AmqpAddress.topic("a.b"));
    }

    @Test
    void v1AliasesAndBareNames() throws Exception {
        assertThat(parse("/queue/orders")).isEqualTo(AmqpAddress.queue("orders", true));
        assertThat(parse("/amq/queue/orders")).isEqualTo(AmqpAddress.queue("orders", false));
        assertThat(parse("/exchange/logs/info")).isEqualTo(AmqpAddress.exchange("logs", "info"));
        assertThat(parse("/exchange/logs")).isEqualTo(AmqpAddress.exchange("logs", null));
        assertThat(parse("/topic/stock.nyse")).isEqualTo(AmqpAddress.exchange("amq.topic", "stock.nyse"));
        assertThat(parse("orders")).isEqualTo(AmqpAddress.queue("orders", true));
        assertThat(parse("a%20b")).isEqualTo(AmqpAddress.queue("a%20b", true)); // bare names are literal
    }

    @Test
    void aBareNameWithTheTopicCapabilityIsATopicOfAmqTopic() throws Exception {
        Symbol[] topic = {Symbol.valueOf("topic")};
        assertThat(parse("prices").forCapabilities("prices", topic)).isEqualTo(AmqpAddress.exchange("amq.topic", "prices"));
        assertThat(parse("prices").forCapabilities("prices", new Symbol[] {Symbol.valueOf("queue")}))
                .isEqualTo(AmqpAddress.queue("prices", true));
        assertThat(parse("/queues/q").forCapabilities("/queues/q", topic)).isEqualTo(AmqpAddress.queue("q", false));
        assertThat(parse("prices").forCapabilities("prices", null)).isEqualTo(AmqpAddress.queue("prices", true));
    }

    @Test
    void unknownFormsAndBadEncodingsAreRefused() {
        for (String bad : new String[] {"", "/", "/queues", "/queues/", "/queues/a/b", "/exchanges", "/exchanges//k",
                "/exchanges/x/k/more", "/queue/", "/amq/queue/", "/amq/topic/x", "/topics/", "/topics/a/b", "/stream/s", "/queues/%zz",
                "/queues/%C3", "/queues/%"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(AmqpAddress.InvalidAddressException.class);
        }
        assertThatThrownBy(() -> parse(null)).isInstanceOf(AmqpAddress.InvalidAddressException.class);
    }
}
