package dev.trilog.compare.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trilog.compare.broker.BrokerInfo;
import dev.trilog.compare.measure.LatencySummary;
import dev.trilog.compare.run.RunResult;
import dev.trilog.compare.scenario.ScenarioResult;
import dev.trilog.compare.workload.DefaultWorkloads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of made-up results: every chart is drawn and linked, and a real browser (Debian's
 * headless Chromium, when installed; .ci/run installs it) decodes every image on the page.
 */
class ReportRenderTest {

    static Results sample() {
        List<RunResult> runs = new ArrayList<>();
        int n = 0;
        for (String workload : List.of("max-throughput-1k", "fixed-rate-10k-1k")) {
            for (String protocol : List.of("kafka", "sqs")) {
                n++;
                Histogram h = new Histogram(3_600_000_000L, 3);
                for (int i = 1; i <= 10_000; i++) {
                    h.recordValue(i * n);
                }
                LatencySummary l = LatencySummary.of(h);
                runs.add(new RunResult(workload, protocol, protocol + "-client", "ok", null, 0, 10, 100_000 * n,
                        100_000 * n, 10_000 * n, 10_000 * n, 10.2 * n, 10.2 * n, l, l, l, 1.5 * n, 15.0 / n,
                        1_000_000, 1100 + n, 0, 0, 0, 0, 3.0, 30.0 / n, 1000, 10, 99.0,
                        List.of(new RunResult.Phase("steady", 10, 100_000, 100_000, 1.5, 1_000_000, 3.0, 0, 10_000))));
            }
        }
        BrokerInfo broker = new BrokerInfo("child", "java -jar trilog.jar", 42, 1, "0", "1", 1,
                "broker pinned to CPU 0, load generator to CPU 1 (taskset)", List.of("-Xmx1g"), "/tmp/x");
        MachineFacts machine = new MachineFacts(2, "test CPU", 1024, "Debian", "Linux", "JDK 17", "abc123", 0.5);
        List<ScenarioResult> scenarios = List.of(
                new ScenarioResult("replay", "kafka", "observed", "re-read 100 of 100 <by offset>", Map.of("reread", 100), 5),
                new ScenarioResult("replay", "sqs", "observed", "re-read 0 of 100 & gone", Map.of("reread", 0), 5));
        return new Results("trilog compare", "2026-12-04T00:00:00Z", "2026-12-04T00:01:00Z", false, false, machine,
                0.6, broker, List.of("kafka", "sqs"), List.of(), DefaultWorkloads.load().subList(0, 2),
                runs, scenarios, List.of(), List.of());
    }

    static Results withCharts(Results r, List<String> charts) {
        return new Results(r.tool(), r.startedAt(), r.finishedAt(), r.quick(), r.interrupted(), r.machine(),
                r.loadAverageAtEnd(), r.broker(), r.protocols(), r.peers(), r.workloads(), r.runs(),
                r.scenarios(), charts, r.profiles());
    }

    @Test
    void everyChartIsDrawnLinkedAndEscaped(@TempDir Path dir) throws IOException {
        Results results = withCharts(sample(), Charts.draw(sample(), dir));
        assertThat(results.charts()).containsExactly("charts/throughput-msgs.png", "charts/throughput-mb.png",
                "charts/cpu-per-message.png", "charts/disk-per-message.png", "charts/latency-max-throughput-1k.png",
                "charts/latency-fixed-rate-10k-1k.png");
        Reports.html(results, dir.resolve("report.html"));
        Reports.markdown(results, dir.resolve("report.md"));
        ResultsJson.write(results, dir.resolve("results.json"));
        String html = Files.readString(dir.resolve("report.html"));
        for (String chart : results.charts()) {
            assertThat(html).contains("<img src=\"" + chart + "\"");
            assertThat(dir.resolve(chart)).isNotEmptyFile();
        }
        assertThat(html).contains("re-read 100 of 100 &lt;by offset&gt;").doesNotContain("<by offset>");
        assertThat(html).doesNotContain("http://", "https://"); // nothing fetched: it opens offline
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("![charts/throughput-msgs.png](charts/throughput-msgs.png)");
        // rows grouped by workload, protocols in the order asked for; a headline per workload
        assertThat(md.indexOf("| max-throughput-1k | kafka |")).isLessThan(md.indexOf("| max-throughput-1k | sqs |"));
        assertThat(md.indexOf("| max-throughput-1k | sqs |")).isLessThan(md.indexOf("| fixed-rate-10k-1k | kafka |"));
        assertThat(md).contains("## In short", "max-throughput-1k: kafka 10,000 msg/s out", "(sqs moved 2.0x as much)");
        assertThat(Files.readString(dir.resolve("results.json"))).contains("\"duration\" : \"20s\"");
    }

    @Test
    void percentileTicksAreLabelledByTheirNines() {
        assertThat(Charts.percentileLabel(0)).isEqualTo("p0");
        assertThat(Charts.percentileLabel(1)).isEqualTo("p90");
        assertThat(Charts.percentileLabel(2)).isEqualTo("p99");
        assertThat(Charts.percentileLabel(3)).isEqualTo("p99.9");
        assertThat(Charts.percentileLabel(4)).isEqualTo("p99.99");
        assertThat(Charts.percentileLabel(5)).isEqualTo("max");
        assertThat(Charts.percentileLabel(1.5)).isEmpty();
    }

    @Test
    @Timeout(120)
    void headlessChromiumDecodesEveryChart(@TempDir Path dir) throws Exception {
        Optional<Path> chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                .map(Path::of).filter(Files::isExecutable).findFirst();
        assumeTrue(chromium.isPresent(), "no Chromium installed (Debian: apt-get install chromium)");
        Results results = withCharts(sample(), Charts.draw(sample(), dir));
        Path page = dir.resolve("report.html");
        Reports.html(results, page);
        Process browser = new ProcessBuilder(chromium.get().toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + dir.resolve("profile"),
                "--virtual-time-budget=10000", "--dump-dom", page.toUri().toString())
                .redirectError(dir.resolve("chromium.err").toFile())
                .start();
        String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(browser.waitFor(90, TimeUnit.SECONDS)).isTrue();
        Matcher loaded = Pattern.compile("data-charts-loaded=\"(\\d+)/(\\d+)\"").matcher(dom);
        assertThat(loaded.find()).as("the page's load script ran; Chromium said: " + dom
                + Files.readString(dir.resolve("chromium.err"))).isTrue();
        assertThat(loaded.group(2)).isEqualTo(Integer.toString(results.charts().size()));
        assertThat(loaded.group(1)).as("images decoded by the browser").isEqualTo(loaded.group(2));
    }
}
