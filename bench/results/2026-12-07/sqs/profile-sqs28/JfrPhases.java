import java.nio.file.*;
import java.util.*;
import jdk.jfr.consumer.*;

/** JfrPhases FILE.jfr phases.tsv [N]: per phase of phases.tsv (name, start and end epoch ms), the top
 *  self frames, threads and inclusive frames of the execution samples, from one read of the recording. */
public class JfrPhases {
    public static void main(String[] a) throws Exception {
        List<String[]> phases = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(a[1]))) if (!line.isBlank()) phases.add(line.split("\t"));
        int n = a.length > 2 ? Integer.parseInt(a[2]) : 30;
        int p = phases.size();
        List<Map<String, Integer>> self = new ArrayList<>(), incl = new ArrayList<>(), threads = new ArrayList<>();
        int[] total = new int[p];
        for (int i = 0; i < p; i++) { self.add(new HashMap<>()); incl.add(new HashMap<>()); threads.add(new HashMap<>()); }
        try (RecordingFile f = new RecordingFile(Path.of(a[0]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                long t = e.getStartTime().toEpochMilli();
                int i = -1;
                for (int k = 0; k < p; k++) if (t >= Long.parseLong(phases.get(k)[1]) && t <= Long.parseLong(phases.get(k)[2])) i = k;
                if (i < 0) continue;
                total[i]++;
                RecordedThread th = e.getThread("sampledThread");
                String tn = th == null ? "?" : th.getJavaName() == null ? th.getOSName() : th.getJavaName();
                threads.get(i).merge(tn == null ? "?" : tn.replaceAll("[0-9]+", "#"), 1, Integer::sum);
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) { self.get(i).merge("(none)", 1, Integer::sum); continue; }
                List<RecordedFrame> fr = st.getFrames();
                self.get(i).merge(name(fr.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame x : fr) seen.add(name(x));
                for (String s : seen) incl.get(i).merge(s, 1, Integer::sum);
            }
        }
        for (int i = 0; i < p; i++) {
            Path out = Path.of(a[1]).resolveSibling("top-" + phases.get(i)[0] + ".txt");
            StringBuilder sb = new StringBuilder("samples " + total[i] + "\n");
            print(sb, "self", self.get(i), total[i], n);
            print(sb, "threads", threads.get(i), total[i], 12);
            print(sb, "inclusive", incl.get(i), total[i], n * 5);
            Files.writeString(out, sb);
        }
    }
    static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        String t = m.getType() == null ? "" : m.getType().getName();
        return (t.isEmpty() ? "" : t + ".") + m.getName();
    }
    static void print(StringBuilder sb, String title, Map<String, Integer> m, int total, int n) {
        sb.append("== ").append(title).append('\n');
        m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(n)
                .forEach(e -> sb.append(String.format("%5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey())));
    }
}
