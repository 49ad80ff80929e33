package dev.trilog.compare.scenario;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One semantics scenario as one protocol behaved in it.
 *
 * @param scenario  {@code replay}, {@code consumer-killed}, {@code ordering}, {@code poison-message}, {@code fan-out-cost}
 * @param protocol  the protocol's id
 * @param status    {@code observed}, or {@code failed} when the scenario itself broke (then {@code observed} says how)
 * @param observed  one or two sentences: what happened
 * @param figures   the counts behind the sentence
 * @param millis    how long the scenario took
 */
public record ScenarioResult(String scenario, String protocol, String status, String observed,
                             Map<String, Object> figures, long millis) {

    public static ScenarioResult observed(String scenario, String protocol, String observed,
                                          Map<String, Object> figures, long startNanos) {
        return new ScenarioResult(scenario, protocol, "observed", observed, new LinkedHashMap<>(figures),
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    public static ScenarioResult failed(String scenario, String protocol, Throwable error, long startNanos) {
        return new ScenarioResult(scenario, protocol, "failed",
                "the scenario could not run: " + error.getClass().getSimpleName() + ": " + error.getMessage(),
                Map.of(), (System.nanoTime() - startNanos) / 1_000_000);
    }
}
