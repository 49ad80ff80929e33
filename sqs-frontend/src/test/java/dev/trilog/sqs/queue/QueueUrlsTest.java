package dev.trilog.sqs.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import org.junit.jupiter.api.Test;

class QueueUrlsTest {

    private final QueueUrls urls = new QueueUrls("000000000000", "us-east-1");

    @Test
    void eachUrlNamesItsOwnQueueWhateverWasReadBefore() {
        // the last URL read is remembered: another URL, or one read again, is still named by its own path
        assertThat(urls.queueName("http://localhost:9324/000000000000/a")).isEqualTo("a");
        assertThat(urls.queueName("http://localhost:9324/000000000000/a")).isEqualTo("a");
        assertThat(urls.queueName("https://sqs.test/000000000000/b.fifo")).isEqualTo("b.fifo");
        assertThat(urls.queueName("http://localhost:9324/000000000000/a")).isEqualTo("a");
    }

    @Test
    void aUrlOfNoQueueIsRefusedAfterOneThatNamedAQueue() {
        assertThat(urls.queueName("http://localhost:9324/000000000000/a")).isEqualTo("a");
        for (String notAQueue : new String[] {"http://localhost:9324/111111111111/a", "http://localhost/a b",
                "http://localhost:9324/000000000000/a/b", "http://localhost:9324/000000000000/"}) {
            assertThatThrownBy(() -> urls.queueName(notAQueue)).isInstanceOfSatisfying(SqsException.class,
                    e -> assertThat(e.error()).isEqualTo(SqsError.QUEUE_DOES_NOT_EXIST));
        }
        assertThat(urls.queueName("http://localhost:9324/000000000000/a")).isEqualTo("a");
    }
}
