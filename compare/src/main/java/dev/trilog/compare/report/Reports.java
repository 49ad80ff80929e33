package dev.trilog.compare.report;

import dev.trilog.compare.broker.BrokerInfo;
import dev.trilog.compare.run.RunResult;
import dev.trilog.compare.scenario.ScenarioResult;
import dev.trilog.compare.workload.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code report.md} and {@code report.html}: the same content, the HTML with the charts embedded as images. */
public final class Reports {

    private Reports() {
    }

    // ------------------------------------------------------------------ shared text

    static String headline(Results r) {
        return "Trilog compare: " + String.join(", ", r.protocols()) + " on one engine";
    }

    static List<String[]> facts(Results r) {
        List<String[]> facts = new ArrayList<>();
        facts.add(new String[] {"started", r.startedAt() + (r.quick() ? " (--quick)" : "")
                + (r.interrupted() ? " (interrupted with Ctrl-C: figures so far)" : "")});
        facts.add(new String[] {"machine", r.machine().cores() + " cores, " + r.machine().cpuModel() + ", "
                + r.machine().memoryMiB() + " MiB"});
        facts.add(new String[] {"load average", String.format(Locale.ROOT, "%.2f at start, %.2f at end (other work on the machine)",
                r.machine().loadAverage(), r.loadAverageAtEnd())});
        facts.add(new String[] {"OS / JDK", r.machine().os() + " (" + r.machine().kernel() + "); " + r.machine().jdk()});
        facts.add(new String[] {"commit", r.machine().gitCommit()});
        facts.add(new String[] {"broker", r.broker().launch() + " (pid " + r.broker().pid() + ")"});
        facts.add(new String[] {"pinning", r.broker().pinning()});
        for (BrokerInfo peer : r.peers()) {
            facts.add(new String[] {"peer", peer.launch() + (peer.pid() > 0 ? " (pid " + peer.pid() + ")" : "") + "; "
                    + peer.pinning()});
        }
        return facts;
    }

    static String workloadLine(Workload w) {
        String rate = w.fixedRate() ? String.format(Locale.ROOT, "%,.0f msg/s", w.rate()) : "max rate";
        String shape = w.isBacklogDrain()
                ? String.format(Locale.ROOT, "backlog of %,d produced first, then drained", w.backlog())
                : "warm-up " + w.warmup().toSeconds() + " s, measured " + w.duration().toSeconds() + " s";
        return String.format(Locale.ROOT, "%s — %s: %,d B messages, %d producer(s), %d consumer(s) x %d reader(s), "
                        + "%d partition(s), %s, %s; Kafka acks=%s linger.ms=%d commit every %d ms; SQS batch %d/%d, "
                        + "wait %d s, visibility %d s",
                w.name(), w.description(), w.messageSize(), w.producers(), w.consumers(), w.readers(), w.partitions(),
                rate, shape, w.kafka().acks(), w.kafka().lingerMs(), w.kafka().commitInterval().toMillis(),
                w.sqs().sendBatch(), w.sqs().receiveBatch(), w.sqs().waitTimeSeconds(),
                w.sqs().visibilityTimeoutSeconds());
    }

    /** The runs grouped by workload (in the order the workloads ran), protocols in the order asked for. */
    public static List<RunResult> ordered(Results r) {
        List<String> workloads = new ArrayList<>(new LinkedHashSet<>(r.runs().stream().map(RunResult::workload).toList()));
        List<RunResult> runs = new ArrayList<>(r.runs());
        runs.sort(java.util.Comparator.<RunResult>comparingInt(run -> workloads.indexOf(run.workload()))
                .thenComparingInt(run -> r.protocols().indexOf(run.protocol())));
        return runs;
    }

    /**
     * One line per workload that ran through more than one protocol: who moved most, by how much,
     * and at what broker CPU per message. Facts from this run, not claims.
     */
    public static List<String> headlines(Results r) {
        List<String> lines = new ArrayList<>();
        List<RunResult> runs = ordered(r).stream().filter(run -> run.messagesOut() > 0).toList();
        for (String workload : new LinkedHashSet<>(runs.stream().map(RunResult::workload).toList())) {
            List<RunResult> these = runs.stream().filter(run -> run.workload().equals(workload)).toList();
            if (these.size() < 2) {
                continue;
            }
            RunResult best = these.stream().max(java.util.Comparator.comparingDouble(RunResult::messagesPerSecondOut)).orElseThrow();
            StringBuilder line = new StringBuilder(workload + ": ");
            List<String> parts = new ArrayList<>();
            for (RunResult run : these) {
                String part = String.format(Locale.ROOT, "%s %,.0f msg/s out, e2e p99 %s ms, %s broker CPU s/M msgs",
                        run.protocol(), run.messagesPerSecondOut(), SummaryTable.ms(run.endToEnd().p99(), run.endToEnd().count()),
                        SummaryTable.cpu(run.brokerCpuSecondsPerMillion()));
                if (run != best && run.messagesPerSecondOut() > 0) {
                    part += String.format(Locale.ROOT, " (%s moved %.1fx as much)", best.protocol(),
                            best.messagesPerSecondOut() / run.messagesPerSecondOut());
                }
                parts.add(part);
            }
            line.append(String.join("; ", parts)).append('.');
            if (these.stream().anyMatch(run -> run.targetRate() > 0 && run.messagesPerSecondIn() < 0.95 * run.targetRate())) {
                line.append(" Below the target rate: ").append(String.join(", ", these.stream()
                        .filter(run -> run.targetRate() > 0 && run.messagesPerSecondIn() < 0.95 * run.targetRate())
                        .map(RunResult::protocol).toList())).append(" (its latency then includes the growing delay).");
            }
            lines.add(line.toString());
        }
        return lines;
    }

    static List<String> scenarioNames(Results r) {
        return new ArrayList<>(new LinkedHashSet<>(r.scenarios().stream().map(ScenarioResult::scenario).toList()));
    }

    static Optional<ScenarioResult> scenario(Results r, String name, String protocol) {
        return r.scenarios().stream().filter(s -> s.scenario().equals(name) && s.protocol().equals(protocol)).findFirst();
    }

    static List<String> notes() {
        return List.of(
                "in/out: messages acknowledged to producers / delivered to readers per second in the measured window "
                        + "(backlog-drain: in over the produce phase, out over the drain phase; fan-out: out counts every reader).",
                "e2e: from the message's intended send time (the rate schedule's; corrected for coordinated omission at a "
                        + "fixed rate) to its delivery to a reader, HdrHistogram. For a backlog drain it is the age of a message when read.",
                "publish: from the client call to the broker's acknowledgement.",
                "broker CPU s/M msgs: user+system CPU of the broker process (/proc/<pid>/stat) per million messages published, "
                        + "deliveries included; client CPU: the same for the load generator (every client, one JVM), which shows when "
                        + "the clients rather than the broker set the pace; disk B/msg: the broker's write_bytes (/proc/<pid>/io) per message published.",
                "msgs per receive: messages per consumer poll that returned any (Kafka poll, SQS ReceiveMessage); "
                        + "empty receives: the share of polls that returned none.",
                "unread: acknowledged to a producer but not read by every reader before the run ended (a reader still behind, "
                        + "not necessarily lost); dup: deliveries of a message a reader had already seen.");
    }

    // ------------------------------------------------------------------ Markdown

    public static void markdown(Results r, Path file) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(headline(r)).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        for (String[] fact : facts(r)) {
            md.append("| ").append(fact[0]).append(" | ").append(cell(fact[1])).append(" |\n");
        }
        List<String> headlines = headlines(r);
        if (!headlines.isEmpty()) {
            md.append("\n## In short\n\n");
            for (String line : headlines) {
                md.append("- ").append(cell(line)).append('\n');
            }
        }
        md.append("\n## Results\n\n");
        md.append("| ").append(String.join(" | ", SummaryTable.HEADER)).append(" |\n");
        md.append("|").append(" --- |".repeat(2)).append(" ---: |".repeat(SummaryTable.HEADER.size() - 2)).append("\n");
        for (List<String> row : SummaryTable.rows(ordered(r))) {
            md.append("| ").append(String.join(" | ", row.stream().map(Reports::cell).toList())).append(" |\n");
        }
        md.append('\n');
        for (String note : notes()) {
            md.append("- ").append(note).append('\n');
        }
        List<RunResult> failed = r.runs().stream().filter(run -> run.error() != null).toList();
        if (!failed.isEmpty()) {
            md.append("\nErrors (the first of each run):\n\n");
            for (RunResult run : failed) {
                md.append("- ").append(run.workload()).append(" / ").append(run.protocol()).append(": ")
                        .append(cell(run.error())).append('\n');
            }
        }
        if (!r.scenarios().isEmpty()) {
            md.append("\n## Semantics, as observed\n\n| scenario | ").append(String.join(" | ", r.protocols()))
                    .append(" |\n| --- |").append(" --- |".repeat(r.protocols().size())).append('\n');
            for (String name : scenarioNames(r)) {
                md.append("| ").append(name);
                for (String protocol : r.protocols()) {
                    md.append(" | ").append(scenario(r, name, protocol).map(s -> cell(s.observed())).orElse("not run"));
                }
                md.append(" |\n");
            }
        }
        if (!r.profiles().isEmpty()) {
            md.append("\n## Where the broker's Java time went (JFR execution samples in each run's measured phases)\n\n");
            md.append("Kernel time (sendfile, socket writes) and waiting are not sampled; see broker CPU above for the total.\n\n");
            md.append("| workload | protocol | samples | hottest methods | packages |\n| --- | --- | ---: | --- | --- |\n");
            for (JfrProfile.RunProfile p : r.profiles()) {
                md.append("| ").append(p.workload()).append(" | ").append(p.protocol()).append(" | ").append(p.samples())
                        .append(" | ").append(cell(hot(p.methods(), 5))).append(" | ").append(cell(hot(p.packages(), 5))).append(" |\n");
            }
        }
        md.append("\n## Charts\n\n");
        for (String chart : r.charts()) {
            md.append("![").append(chart).append("](").append(chart).append(")\n\n");
        }
        md.append("## Workloads\n\n");
        for (Workload w : r.workloads()) {
            md.append("- ").append(workloadLine(w)).append('\n');
        }
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    // ------------------------------------------------------------------ HTML

    public static void html(Results r, Path file) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(headline(r))).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}\n")
                .append("h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}\n")
                .append("table{border-collapse:collapse;margin:.8em 0;font-size:.88em}\n")
                .append("th,td{border:1px solid #ddd;padding:.3em .55em;vertical-align:top}th{background:#f4f6f8;text-align:left}\n")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n")
                .append("tr.failed td{background:#fff0f0}tr.interrupted td{background:#fffbe6}\n")
                .append(".facts th{width:9em}.charts img{max-width:100%;border:1px solid #eee;margin:.5em 0}\n")
                .append("ul.notes{font-size:.85em;color:#555}\n</style></head>\n<body>\n");
        h.append("<h1>").append(esc(headline(r))).append("</h1>\n<table class=\"facts\">\n");
        for (String[] fact : facts(r)) {
            h.append("<tr><th>").append(esc(fact[0])).append("</th><td>").append(esc(fact[1])).append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (!headlines(r).isEmpty()) {
            h.append("<h2>In short</h2>\n<ul>\n");
            for (String line : headlines(r)) {
                h.append("<li>").append(esc(line)).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("<h2>Results</h2>\n<table class=\"results\"><tr>");
        for (String column : SummaryTable.HEADER) {
            h.append("<th>").append(esc(column)).append("</th>");
        }
        h.append("</tr>\n");
        for (List<String> row : SummaryTable.rows(ordered(r))) {
            h.append("<tr class=\"").append(esc(row.get(2))).append("\">");
            for (int i = 0; i < row.size(); i++) {
                h.append(i < 3 ? "<td>" : "<td class=\"n\">").append(esc(row.get(i))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<ul class=\"notes\">\n");
        for (String note : notes()) {
            h.append("<li>").append(esc(note)).append("</li>\n");
        }
        for (RunResult run : r.runs()) {
            if (run.error() != null) {
                h.append("<li>error in ").append(esc(run.workload() + " / " + run.protocol())).append(": ")
                        .append(esc(run.error())).append("</li>\n");
            }
        }
        h.append("</ul>\n");
        if (!r.scenarios().isEmpty()) {
            h.append("<h2>Semantics, as observed</h2>\n<table class=\"scenarios\"><tr><th>scenario</th>");
            for (String protocol : r.protocols()) {
                h.append("<th>").append(esc(protocol)).append("</th>");
            }
            h.append("</tr>\n");
            for (String name : scenarioNames(r)) {
                h.append("<tr><th>").append(esc(name)).append("</th>");
                for (String protocol : r.protocols()) {
                    h.append("<td>").append(esc(scenario(r, name, protocol).map(ScenarioResult::observed).orElse("not run")))
                            .append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
        if (!r.profiles().isEmpty()) {
            h.append("<h2>Where the broker's Java time went</h2>\n<p>JFR execution samples of the broker in each run's measured "
                    + "phases, by the method on top of the stack and by package. Kernel time (sendfile, socket writes) and "
                    + "waiting are not sampled; the broker CPU column above is the total.</p>\n<table class=\"profile\"><tr>"
                    + "<th>workload</th><th>protocol</th><th>samples</th><th>hottest methods</th><th>packages</th></tr>\n");
            for (JfrProfile.RunProfile p : r.profiles()) {
                h.append("<tr><td>").append(esc(p.workload())).append("</td><td>").append(esc(p.protocol()))
                        .append("</td><td class=\"n\">").append(p.samples()).append("</td><td>")
                        .append(esc(hot(p.methods(), 5))).append("</td><td>").append(esc(hot(p.packages(), 5))).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Charts</h2>\n<div class=\"charts\">\n");
        for (String chart : r.charts()) {
            h.append("<p><img src=\"").append(esc(chart)).append("\" alt=\"").append(esc(chart))
                    .append("\" width=\"900\" height=\"460\"></p>\n");
        }
        h.append("</div>\n<h2>Workloads</h2>\n<ul>\n");
        for (Workload w : r.workloads()) {
            h.append("<li>").append(esc(workloadLine(w))).append("</li>\n");
        }
        h.append("</ul>\n<p><a href=\"results.json\">results.json</a> has every figure.</p>\n");
        // lets a headless browser (and a curious reader) see that every chart decoded: body[data-charts-loaded]
        h.append("<script>window.addEventListener('load',function(){var i=document.images,n=0;")
                .append("for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0)n++;}")
                .append("document.body.setAttribute('data-charts-loaded',n+'/'+i.length);});</script>\n");
        h.append("</body></html>\n");
        Files.writeString(file, h.toString(), StandardCharsets.UTF_8);
    }

    static String hot(List<JfrProfile.Hot> list, int n) {
        return String.join(", ", list.stream().limit(n)
                .map(h -> h.name() + " " + String.format(Locale.ROOT, "%.1f%%", h.percent())).toList());
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
