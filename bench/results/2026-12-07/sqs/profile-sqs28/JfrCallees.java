import java.nio.file.*;
import java.util.*;
import jdk.jfr.consumer.*;

/** JfrCallees FILE.jfr FROM_MS TO_MS METHOD [DEPTH]: in samples between the epoch ms, the frames METHOD calls (up to DEPTH levels below), counted. */
public class JfrCallees {
    public static void main(String[] a) throws Exception {
        long from = Long.parseLong(a[1]), to = Long.parseLong(a[2]);
        String target = a[3];
        int depth = a.length > 4 ? Integer.parseInt(a[4]) : 1;
        Map<String, Integer> counts = new HashMap<>();
        int total = 0, with = 0;
        try (RecordingFile f = new RecordingFile(Path.of(a[0]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                long t = e.getStartTime().toEpochMilli();
                if (t < from || t > to) continue;
                total++;
                RecordedStackTrace st = e.getStackTrace();
                if (st == null) continue;
                List<RecordedFrame> fr = st.getFrames();
                for (int i = 0; i < fr.size(); i++) {
                    if (name(fr.get(i)).equals(target)) {
                        with++;
                        StringBuilder path = new StringBuilder();
                        for (int d = 1; d <= depth && i - d >= 0; d++) path.append(d > 1 ? " > " : "").append(name(fr.get(i - d)));
                        counts.merge(path.length() == 0 ? "(self)" : path.toString(), 1, Integer::sum);
                        break;
                    }
                }
            }
        }
        System.out.printf("samples %d, with %s %d (%.1f%%)%n", total, target, with, 100.0 * with / total);
        final int tot = total;
        counts.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(25)
                .forEach(e -> System.out.printf("%5.1f%%  %s%n", 100.0 * e.getValue() / tot, e.getKey()));
    }
    static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        String t = m.getType() == null ? "" : m.getType().getName();
        return (t.isEmpty() ? "" : t + ".") + m.getName();
    }
}
