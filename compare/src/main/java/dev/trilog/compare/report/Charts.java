package dev.trilog.compare.report;

import dev.trilog.compare.run.RunResult;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's pictures, drawn by XChart into PNG files under {@code charts/} that the HTML page
 * embeds with relative links (so it opens offline): throughput per protocol, CPU and disk per
 * message, and a latency percentile curve per workload.
 */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 460;
    /** One colour per protocol, the same in every chart. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)};

    private Charts() {
    }

    /** Draws every chart into {@code dir/charts}; returns their paths relative to {@code dir}. */
    public static List<String> draw(Results results, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        // no disk cache: ImageIO's cache streams register a JVM shutdown hook the first time, which
        // fails when the charts are drawn after Ctrl-C (the hook that waits for them is running)
        javax.imageio.ImageIO.setUseCache(false);
        Path charts = dir.resolve("charts");
        Files.createDirectories(charts);
        List<String> files = new ArrayList<>();
        List<RunResult> runs = results.runs().stream().filter(r -> r.messagesIn() > 0 || r.messagesOut() > 0).toList();
        if (runs.isEmpty()) {
            return files;
        }
        List<String> protocols = results.protocols();
        List<String> workloads = new ArrayList<>(new LinkedHashSet<>(runs.stream().map(RunResult::workload).toList()));

        files.add(bars(charts, "throughput-msgs.png", "Messages/s delivered to readers", "messages/s",
                workloads, protocols, runs, RunResult::messagesPerSecondOut));
        files.add(bars(charts, "throughput-mb.png", "MB/s published (message bodies)", "MB/s",
                workloads, protocols, runs, RunResult::mbPerSecondIn));
        if (runs.stream().anyMatch(r -> r.brokerCpuSecondsPerMillion() >= 0)) {
            files.add(bars(charts, "cpu-per-message.png", "Broker CPU seconds per million messages published",
                    "CPU s / million messages", workloads, protocols, runs, r -> Math.max(0, r.brokerCpuSecondsPerMillion())));
        }
        if (runs.stream().anyMatch(r -> r.diskBytesPerMessage() >= 0)) {
            files.add(bars(charts, "disk-per-message.png", "Bytes written to disk per message published",
                    "bytes / message", workloads, protocols, runs, r -> Math.max(0, r.diskBytesPerMessage())));
        }
        for (String workload : workloads) {
            latency(charts, workload, protocols, runs).ifPresent(files::add);
        }
        return files.stream().map(f -> "charts/" + f).toList();
    }

    private static String bars(Path dir, String file, String title, String yTitle, List<String> workloads,
                               List<String> protocols, List<RunResult> runs, ToDoubleFunction<RunResult> value)
            throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("workload").yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setDecimalPattern(title.contains("CPU") ? "#,##0.0#" : "#,##0");
        int colour = 0;
        for (String protocol : protocols) {
            List<Double> values = new ArrayList<>();
            for (String workload : workloads) {
                double v = runs.stream().filter(r -> r.protocol().equals(protocol) && r.workload().equals(workload))
                        .mapToDouble(value).findFirst().orElse(0);
                values.add(v);
            }
            chart.addSeries(protocol, workloads, values).setFillColor(PALETTE[colour++ % PALETTE.length]);
        }
        BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** x is "nines" (-log10(1 - p)): p50 at 0.3, p90 at 1, p99 at 2, p99.9 at 3; the maximum is drawn at 5. */
    private static Optional<String> latency(Path dir, String workload, List<String> protocols, List<RunResult> runs)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("End-to-end latency by percentile: " + workload).xAxisTitle("percentile")
                .yAxisTitle("milliseconds (log scale)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(5.0);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(Charts::percentileLabel);
        int colour = 0;
        boolean any = false;
        Set<String> drawn = new LinkedHashSet<>();
        for (String protocol : protocols) {
            Optional<RunResult> run = runs.stream()
                    .filter(r -> r.protocol().equals(protocol) && r.workload().equals(workload)).findFirst();
            Color c = PALETTE[colour++ % PALETTE.length];
            if (run.isEmpty() || run.get().endToEnd().count() == 0 || !drawn.add(protocol)) {
                continue;
            }
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (double[] point : run.get().endToEnd().curve()) {
                x.add(point[0] >= 100 ? 5.0 : -Math.log10(1 - point[0] / 100.0));
                y.add(Math.max(0.001, point[1]));
            }
            XYSeries series = chart.addSeries(protocol, x, y);
            series.setLineColor(c);
            series.setMarkerColor(c);
            series.setMarker(SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) {
            return Optional.empty();
        }
        String file = "latency-" + workload + ".png";
        BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return Optional.of(file);
    }

    /** Labels whole "nines" only (p0, p90, p99, p99.9, p99.99, max); ticks between them stay blank. */
    static String percentileLabel(double nines) {
        if (nines >= 4.99) {
            return "max";
        }
        if (Math.abs(nines - Math.rint(nines)) > 0.01) {
            return "";
        }
        nines = Math.rint(nines);
        double p = 100 * (1 - Math.pow(10, -nines));
        if (p < 99) {
            return String.format(Locale.ROOT, "p%.0f", p);
        }
        return "p" + String.format(Locale.ROOT, "%.4f", p).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static void style(AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xdddddd));
        styler.setLegendBorderColor(new Color(0xcccccc));
        styler.setChartTitleBoxVisible(false);
        styler.setPlotBorderVisible(false);
        styler.setAntiAlias(true);
    }
}
