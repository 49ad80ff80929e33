package dev.trilog.compare.run;

import dev.trilog.compare.measure.LatencySummary;
import java.util.List;

/**
 * Every figure of one workload through one protocol. Rates are over the measured window (for a
 * backlog drain: "in" over the produce phase, "out" over the drain phase). MB are 10^6 bytes of
 * message body. Broker figures are -1 when the broker's process could not be read (--target
 * without --target-pid).
 *
 * @param status                  {@code ok}, {@code interrupted} (Ctrl-C: what was measured so far), {@code failed}
 * @param messagesIn              messages the broker acknowledged to producers in the window
 * @param messagesOut             messages delivered to readers in the window (all readers together)
 * @param endToEnd                latency from each message's intended send time to its delivery
 *                                (corrected for coordinated omission at a fixed rate; equal to the actual send time at max rate)
 * @param endToEndFromSend        the same from the moment the client was actually called
 * @param publish                 from the publish call to the broker's acknowledgement
 * @param brokerCpuSecondsPerMillion broker CPU seconds per million messages published (fan-out: including every delivery)
 * @param diskBytesPerMessage     bytes the broker wrote to storage per message published
 * @param unreadAfterDrain        messages acknowledged to a producer but not read by a reader before the run ended
 * @param receiveCalls            consumer polls (Kafka poll, SQS ReceiveMessage) in the measured phases
 * @param messagesPerReceive      messages per poll that returned any; with {@code emptyReceives}, how a reader spends its calls
 * @param clientCpuSecondsPerMillion the load generator's own CPU (this JVM: every client) per million messages published;
 *                                when it nears the cores the load generator has, the client, not the broker, set the pace
 */
public record RunResult(String workload, String protocol, String client, String status, String error,
                        double targetRate, double seconds, long messagesIn, long messagesOut,
                        double messagesPerSecondIn, double messagesPerSecondOut, double mbPerSecondIn,
                        double mbPerSecondOut, LatencySummary endToEnd, LatencySummary endToEndFromSend,
                        LatencySummary publish, double brokerCpuSeconds, double brokerCpuSecondsPerMillion,
                        long diskBytesWritten, double diskBytesPerMessage, long publishErrors,
                        long consumeErrors, long duplicates, long unreadAfterDrain, double clientCpuSeconds,
                        double clientCpuSecondsPerMillion, long receiveCalls, long emptyReceives,
                        double messagesPerReceive, List<Phase> phases) {

    /** One measured phase: the steady window, or a backlog's produce and drain phases (wall-clock bounds for profiles). */
    public record Phase(String name, double seconds, long messagesIn, long messagesOut, double brokerCpuSeconds,
                        long diskBytesWritten, double clientCpuSeconds, long startEpochMillis, long endEpochMillis) {
    }
}
