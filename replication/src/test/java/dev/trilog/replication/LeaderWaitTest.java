package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.apache.ratis.retry.RetryPolicy;
import org.junit.jupiter.api.Test;

/** The node's own Raft client waits for a leader forever, but no longer in a busy loop. */
class LeaderWaitTest {

    private static RetryPolicy.Action after(RetryPolicy policy, int attempts) {
        return policy.handleAttemptFailure(() -> attempts);
    }

    private static long millis(RetryPolicy.Action action) {
        return action.getSleepTime().toLong(TimeUnit.MILLISECONDS);
    }

    @Test
    void retriesForeverWithAPauseThatGrowsToABound() {
        RetryPolicy policy = LeaderWait.policy();
        long first = LeaderWait.FIRST.toLong(TimeUnit.MILLISECONDS);
        long longest = LeaderWait.LONGEST.toLong(TimeUnit.MILLISECONDS);
        for (int attempt = 1; attempt <= 10_000; attempt++) {
            RetryPolicy.Action action = after(policy, attempt);
            assertThat(action.shouldRetry()).as("attempt %d retried", attempt).isTrue();
            assertThat(millis(action)).as("pause after attempt %d", attempt)
                    .isBetween(first / 2, longest * 3 / 2);
        }
        assertThat(after(policy, Integer.MAX_VALUE - 1).shouldRetry()).isTrue();
    }

    /** Cut off for a minute, one waiting write is retried a few hundred times, not millions. */
    @Test
    void aWaitingWriteIsRetriedAtAPaceBoundedByTheLongestPause() {
        RetryPolicy policy = LeaderWait.policy();
        long longest = LeaderWait.LONGEST.toLong(TimeUnit.MILLISECONDS);
        long waited = 0;
        int attempts = 0;
        while (waited < 60_000) {
            waited += millis(after(policy, ++attempts));
        }
        assertThat(attempts).isLessThanOrEqualTo((int) (60_000 / (longest / 2)) + 10);
        for (int attempt = 10; attempt <= 1_000; attempt++) {
            assertThat(millis(after(policy, attempt))).as("pause after attempt %d", attempt)
                    .isGreaterThanOrEqualTo(longest / 2);
        }
    }
}
