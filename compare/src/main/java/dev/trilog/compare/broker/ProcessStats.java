package dev.trilog.compare.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and disk writes of one process, read from Linux's {@code /proc/<pid>/stat} (fields 14
 * and 15, utime and stime, in clock ticks) and {@code /proc/<pid>/io} ({@code write_bytes}: bytes
 * the process caused to be written to storage, counted when it dirties the page cache).
 */
public final class ProcessStats {

    private final long pid;
    private final Path proc;
    private final long ticksPerSecond;

    public ProcessStats(long pid) {
        this(pid, Path.of("/proc"), clockTicksPerSecond());
    }

    ProcessStats(long pid, Path proc, long ticksPerSecond) {
        this.pid = pid;
        this.proc = proc;
        this.ticksPerSecond = ticksPerSecond;
    }

    public long pid() {
        return pid;
    }

    /** Whether this system has {@code /proc/<pid>/stat} for the process. */
    public boolean available() {
        return Files.isReadable(proc.resolve(Long.toString(pid)).resolve("stat"));
    }

    /** A sample now; fields that cannot be read are -1. */
    public Sample sample() {
        long cpuTicks = -1;
        long writeBytes = -1;
        try {
            cpuTicks = cpuTicks(Files.readString(proc.resolve(pid + "/stat"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            // process gone or no /proc: left as -1
        }
        try {
            writeBytes = writeBytes(Files.readString(proc.resolve(pid + "/io"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            // /proc/<pid>/io needs the same user (or CAP_SYS_PTRACE): left as -1
        }
        return new Sample(System.nanoTime(), cpuTicks, ticksPerSecond, writeBytes);
    }

    /**
     * utime + stime from a {@code /proc/<pid>/stat} line. The command name (field 2) is in
     * parentheses and may itself contain spaces and parentheses, so fields are counted from the
     * last ')'.
     */
    static long cpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 2).trim().split("\\s+");
        // fields[0] is field 3 (state); utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** {@code write_bytes} from {@code /proc/<pid>/io}. */
    static long writeBytes(String io) {
        for (String line : io.split("\n")) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        throw new IllegalArgumentException("no write_bytes in /proc/<pid>/io");
    }

    /** {@code getconf CLK_TCK}; 100 (Linux's USER_HZ on every common platform) when it cannot be asked. */
    static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    /** One reading of a process's counters. */
    public record Sample(long nanoTime, long cpuTicks, long ticksPerSecond, long writeBytes) {

        /** CPU seconds used between {@code earlier} and this sample; -1 when either could not be read. */
        public double cpuSecondsSince(Sample earlier) {
            if (cpuTicks < 0 || earlier.cpuTicks < 0) {
                return -1;
            }
            return (cpuTicks - earlier.cpuTicks) / (double) ticksPerSecond;
        }

        /** Bytes written to storage between {@code earlier} and this sample; -1 when unknown. */
        public long writeBytesSince(Sample earlier) {
            if (writeBytes < 0 || earlier.writeBytes < 0) {
                return -1;
            }
            return writeBytes - earlier.writeBytes;
        }
    }

    /** CPU seconds per million messages; -1 when the CPU time is unknown or nothing moved. */
    public static double cpuSecondsPerMillion(double cpuSeconds, long messages) {
        if (cpuSeconds < 0 || messages <= 0) {
            return -1;
        }
        return cpuSeconds * 1_000_000.0 / messages;
    }
}
