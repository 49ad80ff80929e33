package dev.trilog.bench.routing;

// Ad-hoc CPU-per-message comparison of the publish paths, see bench/routing/RESULTS.md:
//   java -Xmx1g -cp "$(bench/run-jmh.sh --classpath)" dev.trilog.bench.routing.CpuPublish 12
import dev.trilog.log.*;
import dev.trilog.log.record.RecordData;
import dev.trilog.routing.address.QueueSpec;
import dev.trilog.routing.message.*;
import dev.trilog.routing.queue.*;
import dev.trilog.routing.topology.Topology;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

public class CpuPublish {
    public static void main(String[] a) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path dir = Files.createTempDirectory("cpu-publish");
        LogEngine engine = LogEngine.open(EngineSettings.of(dir));
        Topology topology = Topology.open(engine);
        Queues queues = Queues.open(engine, topology, QueuesSettings.defaults());
        List<Message> messages = new ArrayList<>(); List<RecordData> records = new ArrayList<>(); List<Publish> pubs = new ArrayList<>();
        Random r = new Random(1); long now = System.currentTimeMillis();
        for (int i = 0; i < 100; i++) { byte[] b = new byte[1024]; r.nextBytes(b); Message m = Message.builder().body(b).timestamp(now).build(); messages.add(m); records.add(MessageMapping.toRecord(m)); pubs.add(Publish.of(m)); }
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 6; // the first two are warm-up
        Map<String, List<Double>> cpuByMode = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String mode : new String[] {"raw", "rawMapped", "publish", "publishAll"}) {
                String t = "t" + round + mode;
                PartitionLog log = null;
                if (mode.startsWith("raw")) { engine.createTopic(t, 1, Map.of()); log = engine.partition(new TopicPartition(t, 0)); }
                else topology.declareQueue(QueueSpec.durable(t));
                int n = 3000; // x100 = 300k messages, ~300 MB
                long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (mode.equals("raw")) engine.appender().appendRecords(log.topicPartition(), records).join();
                    else if (mode.equals("rawMapped")) { List<RecordData> mapped = new ArrayList<>(100); for (Message m : messages) mapped.add(MessageMapping.toRecord(m)); engine.appender().appendRecords(log.topicPartition(), mapped).join(); }
                    else if (mode.equals("publish")) { CompletableFuture<PublishResult> last = null; for (Message m : messages) last = queues.publish(t, m, PublishOptions.NONE); last.join(); }
                    else queues.publishAll(t, pubs).join();
                }
                long cpu = os.getProcessCpuTime() - c0, wall = System.nanoTime() - w0;
                if (round >= 2) cpuByMode.computeIfAbsent(mode, k -> new ArrayList<>()).add(cpu / (n * 100.0));
                if (round >= 2) System.out.printf("round %d %-10s cpu-ns/msg %.0f  wall-ns/msg %.0f  load %s%n", round, mode, cpu / (n * 100.0), wall / (n * 100.0), Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                if (mode.startsWith("raw")) engine.deleteTopic(t); else topology.deleteQueue(t);
            }
        }
        cpuByMode.forEach((mode, v) -> { Collections.sort(v); System.out.printf("median %-10s cpu-ns/msg %.0f%n", mode, v.get(v.size() / 2)); });
        queues.close(); engine.close();
    }
}
