package dev.trilog.compare.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The suite {@code trilog compare} runs when no {@code --workload} is given, shipped as resources. */
public final class DefaultWorkloads {

    /** The files under {@code /workloads/} in the jar, in the order they run. */
    public static final List<String> FILES = List.of(
            "max-throughput-1k.yaml",
            "fixed-rate-10k-1k.yaml",
            "max-throughput-64k.yaml",
            "fan-out-3.yaml",
            "backlog-drain.yaml");

    private DefaultWorkloads() {
    }

    public static List<Workload> load() {
        WorkloadParser parser = new WorkloadParser();
        List<Workload> workloads = new ArrayList<>();
        for (String file : FILES) {
            try (InputStream in = DefaultWorkloads.class.getResourceAsStream("/workloads/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("default workload missing from the jar: " + file);
                }
                workloads.add(parser.parse(file, in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return workloads;
    }
}
