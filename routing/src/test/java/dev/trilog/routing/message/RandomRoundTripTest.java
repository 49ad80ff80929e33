package dev.trilog.routing.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Any message the model can hold comes back from the log unchanged (seeded, so failures repeat). */
class RandomRoundTripTest {

    @Test
    void randomMessagesSurviveTheLog() {
        for (long seed = 0; seed < 500; seed++) {
            Message message = new RandomMessages(seed).message();
            assertThat(RecordTrip.roundTrip(message)).as("seed %d", seed).isEqualTo(message);
        }
    }

    @Test
    void randomValuesSurviveTheirHeaderBytes() {
        RandomMessages random = new RandomMessages(42);
        for (int i = 0; i < 5_000; i++) {
            HeaderValue value = random.value();
            HeaderValue back = HeaderValue.fromHeaderBytes(value.type(), value.toHeaderBytes())
                    .withCustomType(value.customType().orElse(null));
            assertThat(back).as("value %s", value).isEqualTo(value);
        }
    }
}
