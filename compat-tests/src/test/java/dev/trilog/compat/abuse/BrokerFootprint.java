package dev.trilog.compat.abuse;

import dev.trilog.compat.soak.SoakBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The broker process' memory, as an operator sees it: its resident set from /proc, its heap from
 * the admin port's {@code jvm_memory_used_bytes{area="heap"}}, and its live heap — the same after
 * a full collection ({@code jcmd GC.run}), which is what grows when a backlog is held in memory.
 */
final class BrokerFootprint {

    private static final Pattern HEAP_SERIES = Pattern.compile(
            "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern RSS_LINE = Pattern.compile("^VmRSS:\\s+(\\d+) kB$", Pattern.MULTILINE);

    private final SoakBroker broker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    BrokerFootprint(SoakBroker broker) {
        this.broker = broker;
    }

    /** The process' resident set, in bytes. */
    long residentBytes() throws IOException {
        Matcher rss = RSS_LINE.matcher(Files.readString(Path.of("/proc", Long.toString(broker.pid()), "status")));
        if (!rss.find()) {
            throw new IllegalStateException("no VmRSS line for the broker's process " + broker.pid());
        }
        return Long.parseLong(rss.group(1)) * 1024;
    }

    /** Heap in use now, garbage included, from {@code /metrics}. */
    long heapBytes() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build();
        Matcher series = HEAP_SERIES.matcher(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        long sum = 0;
        boolean found = false;
        while (series.find()) {
            sum += (long) Double.parseDouble(series.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("/metrics has no jvm_memory_used_bytes{area=\"heap\"} series");
        }
        return sum;
    }

    /** Heap in use after a full collection: what the broker holds on to. */
    long liveHeapBytes() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(broker.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            gc.destroyForcibly();
            throw new IllegalStateException("jcmd GC.run on the broker did not finish within 60 s");
        }
        return heapBytes();
    }
}
