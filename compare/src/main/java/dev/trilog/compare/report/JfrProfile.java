package dev.trilog.compare.report;

import dev.trilog.compare.run.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the broker's time went in each run, from the JFR recording of the child gateway
 * ({@code --profile}): JFR's execution samples (threads running Java code; time in the kernel,
 * e.g. sendfile, and waiting are not in them) falling inside a run's measured phases, counted by
 * the method on top of the stack and by package.
 */
public final class JfrProfile {

    private static final int TOP = 8;

    private JfrProfile() {
    }

    /** One run's hottest methods and packages. */
    public record RunProfile(String workload, String protocol, long samples, List<Hot> methods, List<Hot> packages) {
    }

    /** A method or package and its share of the run's samples. */
    public record Hot(String name, long samples, double percent) {
    }

    public static List<RunProfile> summarize(Path recording, List<RunResult> runs) throws IOException {
        List<RecordedEvent> samples = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (event.getEventType().getName().equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
                samples.add(event);
            }
        }
        List<RunProfile> profiles = new ArrayList<>();
        for (RunResult run : runs) {
            Map<String, Long> methods = new HashMap<>();
            Map<String, Long> packages = new HashMap<>();
            long total = 0;
            for (RecordedEvent sample : samples) {
                if (!inside(sample.getStartTime(), run)) {
                    continue;
                }
                RecordedStackTrace stack = sample.getStackTrace();
                if (stack.getFrames().isEmpty()) {
                    continue;
                }
                RecordedFrame top = stack.getFrames().get(0);
                // a lambda's hidden class is named Outer$$Lambda$503+0x00007f…/0x…: one name for all of them
                String type = top.getMethod().getType().getName().replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda");
                methods.merge(type + "." + top.getMethod().getName(), 1L, Long::sum);
                packages.merge(packageOf(type), 1L, Long::sum);
                total++;
            }
            profiles.add(new RunProfile(run.workload(), run.protocol(), total, top(methods, total), top(packages, total)));
        }
        return profiles;
    }

    private static boolean inside(Instant time, RunResult run) {
        long t = time.toEpochMilli();
        return run.phases().stream().anyMatch(p -> p.startEpochMillis() <= t && t <= p.endEpochMillis());
    }

    /** The first three segments of a class's package: {@code dev.trilog.kafka}, {@code io.netty.channel}, {@code java.util}. */
    static String packageOf(String type) {
        String[] parts = type.split("\\.");
        int n = Math.min(3, parts.length - 1);
        return n <= 0 ? type : String.join(".", java.util.Arrays.copyOf(parts, n));
    }

    private static List<Hot> top(Map<String, Long> counts, long total) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(TOP)
                .map(e -> new Hot(e.getKey(), e.getValue(), Math.round(1000.0 * e.getValue() / Math.max(1, total)) / 10.0))
                .toList();
    }
}
