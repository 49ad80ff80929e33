package dev.trilog.bench.log;

import java.lang.management.ManagementFactory;

/**
 * CPU time of the whole benchmark JVM per op over one iteration, printed at its end
 * ({@code cpu-ns-per-op: …}). On a shared machine the throughput of a run swings with other
 * users' load; the CPU an op costs moves far less, and 1e9 / it is the rate one free core
 * would reach.
 */
final class CpuMeter {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long startCpu;
    private long ops;

    void start() {
        ops = 0;
        startCpu = os.getProcessCpuTime();
    }

    void count(int n) {
        ops += n;
    }

    void report(String what) {
        if (ops > 0) {
            double perOp = (os.getProcessCpuTime() - startCpu) / (double) ops;
            System.out.printf("cpu-ns-per-op: %s %.1f (%d ops)%n", what, perOp, ops);
        }
    }
}
