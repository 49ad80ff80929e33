package dev.trilog.compare.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compare.measure.LatencySummary;
import dev.trilog.compare.run.RunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrProfileTest {

    static volatile long sink;

    static void spin(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        long x = 1;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 1000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }

    private static RunResult run(String workload, long from, long to) {
        LatencySummary none = new LatencySummary(0, 0, 0, 0, 0, 0, 0, List.of());
        return new RunResult(workload, "kafka", "c", "ok", null, 0, 1, 1, 1, 1, 1, 1, 1, none, none, none, 1, 1, 1, 1,
                0, 0, 0, 0, 1, 1, 1, 0, 1, List.of(new RunResult.Phase("steady", 1, 1, 1, 1, 1, 1, from, to)));
    }

    @Test
    void samplesInsideARunsPhasesAreCountedByTopMethodAndPackage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("test.jfr");
        long start;
        long end;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            start = System.currentTimeMillis();
            spin(600);
            end = System.currentTimeMillis();
            recording.stop();
            recording.dump(file);
        }
        List<JfrProfile.RunProfile> profiles = JfrProfile.summarize(file,
                List.of(run("during", start, end), run("before", 0, start - 60_000)));
        JfrProfile.RunProfile during = profiles.get(0);
        assertThat(during.samples()).isPositive();
        assertThat(during.methods()).isNotEmpty();
        assertThat(during.methods().get(0).name()).isEqualTo(JfrProfileTest.class.getName() + ".spin");
        assertThat(during.packages().get(0).name()).isEqualTo("dev.trilog.compare");
        assertThat(during.methods().stream().mapToDouble(JfrProfile.Hot::percent).sum()).isLessThanOrEqualTo(100.1);
        assertThat(profiles.get(1).samples()).isZero();
    }

    @Test
    void packagesAreTheFirstThreeSegments() {
        assertThat(JfrProfile.packageOf("io.netty.channel.epoll.Native")).isEqualTo("io.netty.channel");
        assertThat(JfrProfile.packageOf("java.util.HashMap")).isEqualTo("java.util");
        assertThat(JfrProfile.packageOf("Top")).isEqualTo("Top");
    }
}
