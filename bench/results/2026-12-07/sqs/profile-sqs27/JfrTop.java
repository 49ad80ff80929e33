import java.nio.file.Path;
import java.util.*;
import jdk.jfr.consumer.*;

/** JfrTop FILE [FROM_S TO_S relative to first sample] [N] : top self frames, inclusive frames, threads; also per 2 s timeline of marker frames. */
public class JfrTop {
    public static void main(String[] a) throws Exception {
        List<RecordedEvent> ev = new ArrayList<>();
        long first = Long.MAX_VALUE;
        try (RecordingFile f = new RecordingFile(Path.of(a[0]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                ev.add(e);
                first = Math.min(first, e.getStartTime().toEpochMilli());
            }
        }
        if (a.length == 1) { // timeline
            String[] marks = {"sendMessageBatch", "sendMessage", "receiveMessage", "deleteMessageBatch"};
            TreeMap<Long, int[]> tl = new TreeMap<>();
            for (RecordedEvent e : ev) {
                long s = (e.getStartTime().toEpochMilli() - first) / 2000 * 2;
                int[] c = tl.computeIfAbsent(s, k -> new int[marks.length + 1]);
                c[marks.length]++;
                RecordedStackTrace st = e.getStackTrace();
                if (st == null) continue;
                Set<String> seen = new HashSet<>();
                for (RecordedFrame fr : st.getFrames()) seen.add(fr.getMethod().getName());
                for (int i = 0; i < marks.length; i++) if (seen.contains(marks[i])) c[i]++;
            }
            System.out.println("t\tall\t" + String.join("\t", marks));
            tl.forEach((t, c) -> System.out.println(t + "\t" + c[marks.length] + "\t" + c[0] + "\t" + c[1] + "\t" + c[2] + "\t" + c[3]));
            return;
        }
        long from = first + (long) (Double.parseDouble(a[1]) * 1000), to = first + (long) (Double.parseDouble(a[2]) * 1000);
        int n = a.length > 3 ? Integer.parseInt(a[3]) : 40;
        Map<String, Integer> self = new HashMap<>(), incl = new HashMap<>(), threads = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : ev) {
            long t = e.getStartTime().toEpochMilli();
            if (t < from || t > to) continue;
            total++;
            RecordedThread th = e.getThread("sampledThread");
            String tn = th == null ? "?" : th.getJavaName() == null ? th.getOSName() : th.getJavaName();
            threads.merge(tn == null ? "?" : tn.replaceAll("[0-9]+", "#"), 1, Integer::sum);
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) { self.merge("(none)", 1, Integer::sum); continue; }
            List<RecordedFrame> fr = st.getFrames();
            self.merge(name(fr.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : fr) seen.add(name(f));
            for (String s : seen) incl.merge(s, 1, Integer::sum);
        }
        System.out.println("samples " + total);
        print("self", self, total, n);
        print("threads", threads, total, 12);
        print("inclusive", incl, total, n * 4);
    }
    static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        String t = m.getType() == null ? "" : m.getType().getName();
        return (t.isEmpty() ? "" : t + ".") + m.getName();
    }
    static void print(String title, Map<String, Integer> m, int total, int n) {
        System.out.println("== " + title);
        m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(n)
                .forEach(e -> System.out.printf("%5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }
}
