package dev.trilog.routing.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter history as RabbitMQ keeps {@code x-death}: one entry per (queue, reason), most
 * recent first, counts that grow, the first death kept; and its cycle rule.
 */
class DeathHistoryTest {

    private static final DeadLetterRules.Target TO_DLX = new DeadLetterRules.Target("dlx", "dead");

    @Test
    void aSecondDeathInTheSameQueueForTheSameReasonCountsTwoAndMovesToTheFront() {
        Message m = Message.builder().body("x").timestamp(1_000)
                .properties(MessageProperties.builder().exchange("orders-x").routingKey("new").expiryTime(1_500L).build())
                .build();
        Message once = DeadLetterRules.deadLettered(m, "work", DeadLetterHeaders.Reason.REJECTED, TO_DLX, 2_000);
        Message twice = DeadLetterRules.deadLettered(once, "retry", DeadLetterHeaders.Reason.EXPIRED, TO_DLX, 3_000);
        Message thrice = DeadLetterRules.deadLettered(twice, "work", DeadLetterHeaders.Reason.REJECTED, TO_DLX, 4_000);

        DeathHistory h = DeathHistory.of(thrice);
        assertThat(h.deaths()).extracting(DeathHistory.Death::queue, DeathHistory.Death::reason,
                DeathHistory.Death::count, DeathHistory.Death::timeMs).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("work", "rejected", 2L, 4_000L),
                        org.assertj.core.groups.Tuple.tuple("retry", "expired", 1L, 3_000L));
        assertThat(h.deaths().get(0).exchange()).as("published to the dead-letter exchange before").isEqualTo("dlx");
        assertThat(h.deaths().get(0).routingKeys()).containsExactly("dead");
        assertThat(h.first()).isEqualTo(new DeathHistory.First("work", "rejected", "orders-x"));
        assertThat(h.total()).isEqualTo(3);
        // the flat headers say the last death and the total, as before
        assertThat(thrice.unknownProperties().get(DeadLetterHeaders.COUNT).asLong()).isEqualTo(3);
        assertThat(thrice.unknownProperties().get(DeadLetterHeaders.QUEUE).text()).isEqualTo("work");

        DeathHistory first = DeathHistory.of(once);
        assertThat(first.deaths()).singleElement().satisfies(d -> {
            assertThat(d.originalExpiration()).as("its per-message expiry, removed").isEqualTo("500");
            assertThat(d.exchange()).isEqualTo("orders-x");
            assertThat(d.routingKeys()).containsExactly("new");
        });
    }

    /** The flat headers alone (a message dead-lettered before the history existed): ContentPropertiesTest. */
    @Test
    void aHistoryThatCannotBeReadFallsBackToTheFlatHeaders() {
        Message garbled = Message.builder().body("x")
                .unknownProperty(DeadLetterHeaders.REASON, HeaderValue.ofString("expired"))
                .unknownProperty(DeadLetterHeaders.QUEUE, HeaderValue.ofString("orders"))
                .unknownProperty(DeadLetterHeaders.DEATHS, HeaderValue.ofString("{not json")).build();
        assertThat(DeathHistory.of(garbled).deaths()).containsExactly(
                new DeathHistory.Death("orders", "expired", 1, 0, "", List.of(), null));
        assertThat(DeathHistory.of(Message.builder().body("x").build()).any()).isFalse();
    }

    @Test
    void itCyclesIntoAQueueItDiedInWithNoRejectionSince() {
        DeathHistory h = DeathHistory.NONE.after(death("a", "expired")).after(death("b", "expired"));
        assertThat(h.cyclesInto("a")).isTrue();
        assertThat(h.cyclesInto("b")).isTrue();
        assertThat(h.cyclesInto("c")).isFalse();

        DeathHistory rejectedOnTheWay = DeathHistory.NONE.after(death("a", "expired")).after(death("b", "rejected"))
                .after(death("c", "expired"));
        assertThat(rejectedOnTheWay.cyclesInto("a")).as("a consumer rejected it in b since").isFalse();
        assertThat(rejectedOnTheWay.cyclesInto("c")).isTrue();
    }

    private static DeathHistory.Death death(String queue, String reason) {
        return new DeathHistory.Death(queue, reason, 1, 1, "", List.of(), null);
    }
}
