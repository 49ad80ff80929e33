package dev.trilog.kafka.protocol;

import java.util.List;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * What a handler answers: a response to write (null when the client expects none, as for
 * Produce with acks=0), and resources — log slices behind a zero-copy fetch — to close once
 * the response has been written or the connection is gone.
 */
public record Reply(AbstractResponse response, List<AutoCloseable> resources) {

    public static final Reply NONE = new Reply(null, List.of());

    public static Reply of(AbstractResponse response) {
        return new Reply(response, List.of());
    }

    public void closeResources() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // a slice's close releases a reference; it does not fail in practice
            }
        }
    }
}
