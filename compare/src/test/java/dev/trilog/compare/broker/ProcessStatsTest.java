package dev.trilog.compare.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessStatsTest {

    // a real line's shape; the command name holds a space and parentheses, as "(java) (x)" could
    private static final String STAT = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 12345 0 0 0 "
            + "750 250 3 4 20 0 45 0 123456 5000000000 60000 18446744073709551615";

    @Test
    void cpuTicksAreUtimePlusStimeCountedFromTheLastParenthesis() {
        assertThat(ProcessStats.cpuTicks(STAT)).isEqualTo(1000);
    }

    @Test
    void writeBytesIsReadFromProcIo() {
        String io = "rchar: 100\nwchar: 200\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 81920\ncancelled_write_bytes: 0\n";
        assertThat(ProcessStats.writeBytes(io)).isEqualTo(81920);
    }

    @Test
    void samplesGiveCpuSecondsAndBytesBetweenThem(@TempDir Path proc) throws IOException {
        Path dir = Files.createDirectories(proc.resolve("4242"));
        ProcessStats stats = new ProcessStats(4242, proc, 100);
        Files.writeString(dir.resolve("stat"), STAT);
        Files.writeString(dir.resolve("io"), "write_bytes: 1000\n");
        ProcessStats.Sample before = stats.sample();
        Files.writeString(dir.resolve("stat"), STAT.replace(" 750 250 ", " 900 350 "));
        Files.writeString(dir.resolve("io"), "write_bytes: 5096\n");
        ProcessStats.Sample after = stats.sample();
        assertThat(after.cpuSecondsSince(before)).isCloseTo(2.5, within(1e-9)); // 250 ticks at 100 Hz
        assertThat(after.writeBytesSince(before)).isEqualTo(4096);
        assertThat(ProcessStats.cpuSecondsPerMillion(2.5, 500_000)).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void whatCannotBeReadIsUnknownNotZero(@TempDir Path proc) {
        ProcessStats stats = new ProcessStats(99, proc, 100);
        ProcessStats.Sample a = stats.sample();
        assertThat(a.cpuTicks()).isEqualTo(-1);
        assertThat(a.cpuSecondsSince(a)).isEqualTo(-1);
        assertThat(a.writeBytesSince(a)).isEqualTo(-1);
        assertThat(ProcessStats.cpuSecondsPerMillion(-1, 10)).isEqualTo(-1);
        assertThat(ProcessStats.cpuSecondsPerMillion(1, 0)).isEqualTo(-1);
    }

    @Test
    void thisProcessIsChargedForTheCpuItBurns() {
        ProcessStats self = new ProcessStats(ProcessHandle.current().pid());
        if (!self.available()) {
            return; // not Linux
        }
        ProcessStats.Sample before = self.sample();
        long until = System.nanoTime() + 300_000_000L;
        long x = 0;
        while (System.nanoTime() < until) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        ProcessStats.Sample after = self.sample();
        assertThat(x).isNotNegative();
        // 0.3 s of spinning on one thread: at least a tenth of it, even on a busy machine
        assertThat(after.cpuSecondsSince(before)).isGreaterThanOrEqualTo(0.03);
    }

    @Test
    void cpuListsParseAndPrint() {
        CpuSet set = CpuSet.parse("0-3,6, 8-9");
        assertThat(set.cpus()).containsExactly(0, 1, 2, 3, 6, 8, 9);
        assertThat(set.toString()).isEqualTo("0-3,6,8-9");
        assertThat(set.first(2).toString()).isEqualTo("0-1");
        assertThat(set.without(set.first(2)).toString()).isEqualTo("2-3,6,8-9");
    }
}
