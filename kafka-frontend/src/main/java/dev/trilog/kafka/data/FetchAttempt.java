package dev.trilog.kafka.data;

import dev.trilog.kafka.protocol.Reply;
import java.util.List;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * One read of every partition a fetch asks for: the response so far and the log slices it sends
 * zero-copy, which stay open until the reply is written ({@link #reply()}) or the attempt is
 * dropped ({@link #release()}).
 *
 * @param data    the response, with every partition read
 * @param slices  the log slices behind its records
 * @param bytes   how many record bytes it holds
 * @param errors  whether a partition answered an error (the fetch then answers at once)
 * @param session the fetch's session, which shapes the response that is sent
 */
record FetchAttempt(FetchResponseData data, List<AutoCloseable> slices, long bytes, boolean errors,
        FetchSessions.Context session) {

    /** The reply to send; call it once, for the attempt that is sent: it updates the fetch's session. */
    Reply reply() {
        return new Reply(FetchResponse.of(session.respond(data)), slices);
    }

    void release() {
        new Reply(null, slices).closeResources();
    }
}
