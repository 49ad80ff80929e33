package dev.trilog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class ReplicationTimeoutsTest {

    @Test
    void theTimeoutsANodeStartsWithAreWhatItsWritersAndViewsRead() {
        RaftProperties properties = new RaftProperties();
        new ReplicationTimeouts(Duration.ofMillis(2_500), Duration.ofSeconds(7)).applyTo(properties);

        assertThat(ReplicationTimeouts.leaderPatience(properties).toLong(TimeUnit.MILLISECONDS)).isEqualTo(2_500);
        assertThat(ReplicationTimeouts.replicaLagMaxMs(properties)).isEqualTo(7_000);
    }

    @Test
    void theElectionTimeoutIsRatisShortestAndTwiceItItsLongest() {
        RaftProperties properties = new RaftProperties();
        new ReplicationTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(2_000))
                .applyTo(properties);

        assertThat(RaftServerConfigKeys.Rpc.timeoutMin(properties).toLong(TimeUnit.MILLISECONDS)).isEqualTo(2_000);
        assertThat(RaftServerConfigKeys.Rpc.timeoutMax(properties).toLong(TimeUnit.MILLISECONDS)).isEqualTo(4_000);
        ReplicationTimeouts.DEFAULTS.applyTo(properties);
        assertThat(RaftServerConfigKeys.Rpc.timeoutMin(properties).toLong(TimeUnit.MILLISECONDS)).isEqualTo(500);
        assertThat(RaftServerConfigKeys.Rpc.timeoutMax(properties).toLong(TimeUnit.MILLISECONDS)).isEqualTo(1_000);
    }

    @Test
    void propertiesNeverGivenThemReadKafkasDefaults() {
        RaftProperties properties = new RaftProperties();

        assertThat(ReplicationTimeouts.leaderPatience(properties).toLong(TimeUnit.SECONDS)).isEqualTo(30);
        assertThat(ReplicationTimeouts.replicaLagMaxMs(properties)).isEqualTo(30_000);
    }

    @Test
    void aTimeoutOfZeroOrLessIsRefusedNamingItsSetting() {
        assertThatThrownBy(() -> new ReplicationTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("cluster.leader.patience.ms");
        assertThatThrownBy(() -> new ReplicationTimeouts(Duration.ofSeconds(1), Duration.ofMillis(-1)))
                .hasMessageContaining("replica.lag.time.max.ms");
        assertThatThrownBy(() -> new ReplicationTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(99)))
                .hasMessageContaining("cluster.election.timeout.ms");
    }
}
