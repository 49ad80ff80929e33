package dev.trilog.compare.driver;

import dev.trilog.compare.scenario.ScenarioResult;

/**
 * The semantics scenarios, each run live against the broker by one protocol's client and reported
 * as observed. A protocol that cannot do something says so in the result rather than failing.
 */
public interface SemanticsProbe {

    /** Read some messages, acknowledge them, then try to read them again (by offset and by time where there are such). */
    ScenarioResult replay(String id) throws Exception;

    /** A consumer takes a batch, acknowledges part of it and dies; what does its successor get? */
    ScenarioResult consumerKilled(String id) throws Exception;

    /** One producer sends a numbered sequence; two consumers read it concurrently: what order is seen? */
    ScenarioResult ordering(String id) throws Exception;

    /** A message every consumer fails on: is it retried, and does it end in a dead-letter queue? */
    ScenarioResult poisonMessage(String id) throws Exception;
}
