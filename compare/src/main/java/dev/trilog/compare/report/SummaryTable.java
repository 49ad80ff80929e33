package dev.trilog.compare.report;

import dev.trilog.compare.run.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The summary rows every report shows (terminal, Markdown, HTML): one per workload and protocol. */
public final class SummaryTable {

    public static final List<String> HEADER = List.of("workload", "protocol", "status", "in msg/s", "out msg/s",
            "in MB/s", "out MB/s", "e2e p50 ms", "e2e p99 ms", "e2e p99.9 ms", "e2e max ms", "publish p99 ms",
            "broker CPU s/M msgs", "client CPU s/M msgs", "disk B/msg", "msgs per receive", "empty receives",
            "errors", "dup", "unread");

    private SummaryTable() {
    }

    public static List<List<String>> rows(List<RunResult> runs) {
        List<List<String>> rows = new ArrayList<>();
        for (RunResult r : runs) {
            rows.add(List.of(r.workload(), r.protocol(), r.status(), count(r.messagesPerSecondIn()),
                    count(r.messagesPerSecondOut()), mb(r.mbPerSecondIn()), mb(r.mbPerSecondOut()),
                    ms(r.endToEnd().p50(), r.endToEnd().count()), ms(r.endToEnd().p99(), r.endToEnd().count()),
                    ms(r.endToEnd().p999(), r.endToEnd().count()), ms(r.endToEnd().max(), r.endToEnd().count()),
                    ms(r.publish().p99(), r.publish().count()), cpu(r.brokerCpuSecondsPerMillion()),
                    cpu(r.clientCpuSecondsPerMillion()), bytes(r.diskBytesPerMessage()),
                    String.format(Locale.ROOT, "%.1f", r.messagesPerReceive()),
                    r.receiveCalls() == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * r.emptyReceives() / r.receiveCalls()),
                    Long.toString(r.publishErrors() + r.consumeErrors()),
                    Long.toString(r.duplicates()), Long.toString(r.unreadAfterDrain())));
        }
        return rows;
    }

    static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String mb(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String ms(double value, long count) {
        if (count == 0) {
            return "-";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    static String cpu(double value) {
        return value < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String bytes(double value) {
        return value < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }

    /** A fixed-width text table for the terminal. */
    public static String text(List<RunResult> runs) {
        List<String> header = List.of("workload", "protocol", "in msg/s", "out msg/s", "out MB/s", "e2e p50",
                "p99", "p99.9", "max ms", "pub p99", "CPU s/M", "client s/M", "disk B/msg", "err", "status");
        List<List<String>> rows = new ArrayList<>();
        for (RunResult r : runs) {
            long n = r.endToEnd().count();
            rows.add(List.of(r.workload(), r.protocol(), count(r.messagesPerSecondIn()), count(r.messagesPerSecondOut()),
                    mb(r.mbPerSecondOut()), ms(r.endToEnd().p50(), n), ms(r.endToEnd().p99(), n), ms(r.endToEnd().p999(), n),
                    ms(r.endToEnd().max(), n), ms(r.publish().p99(), r.publish().count()),
                    cpu(r.brokerCpuSecondsPerMillion()), cpu(r.clientCpuSecondsPerMillion()), bytes(r.diskBytesPerMessage()),
                    Long.toString(r.publishErrors() + r.consumeErrors()), r.status()));
        }
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, widths);
        StringBuilder rule = new StringBuilder();
        for (int w : widths) {
            rule.append("-".repeat(w)).append("  ");
        }
        out.append(rule.toString().stripTrailing()).append('\n');
        for (List<String> row : rows) {
            appendRow(out, row, widths);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            // names left-aligned, numbers right-aligned
            line.append(i < 2 ? pad(cell, widths[i], false) : pad(cell, widths[i], true)).append("  ");
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }
}
