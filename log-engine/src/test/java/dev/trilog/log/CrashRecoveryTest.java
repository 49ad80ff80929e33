package dev.trilog.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.log.record.LogRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at an arbitrary moment: a child JVM appends as fast as it can and prints each
 * acknowledged offset; after the kill, the reopened engine must hold every acknowledged
 * record, in order, intact, and take appends again.
 */
class CrashRecoveryTest {

    private static final TopicPartition TP = new TopicPartition("crash", 0);

    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "killed after {0} acknowledged appends")
    @ValueSource(ints = {1, 137, 2500})
    void losesNoAcknowledgedAppendAfterKill9(int acksBeforeKill) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AppendUntilKilled.class.getName(), dataDir.toString())
                .redirectErrorStream(true)
                .start();
        long lastAcked = -1;
        int acks = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acks < acksBeforeKill && (line = out.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    lastAcked = Long.parseLong(line.substring(6));
                    acks++;
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no clean marker
            child.waitFor();
        }
        assertThat(acks).as("child acknowledged appends").isEqualTo(acksBeforeKill);

        try (LogEngine engine = LogEngine.open(EngineSettings.of(dataDir))) {
            assertThat(engine.startedClean()).isFalse();
            PartitionLog log = engine.partition(TP);
            assertThat(log.logEndOffset()).isGreaterThan(lastAcked);
            long expected = 0;
            while (expected <= lastAcked) {
                List<LogRecord> records = log.readRecords(expected, 1 << 20);
                assertThat(records).as("records from offset " + expected).isNotEmpty();
                for (LogRecord record : records) {
                    assertThat(record.offset()).isEqualTo(expected);
                    assertThat(Batches.text(record.value())).isEqualTo("v" + expected);
                    expected++;
                }
            }
            long end = log.logEndOffset();
            assertThat(log.append(Batches.of(1, System.currentTimeMillis()), true).firstOffset()).isEqualTo(end);
        }
    }

    /** The child: appends batches of 5 records with values v<offset>, printing each acknowledgement. */
    public static final class AppendUntilKilled {
        public static void main(String[] args) throws Exception {
            EngineSettings settings = EngineSettings.of(Path.of(args[0]))
                    .withTopicDefaults(LogConfig.defaults().withOverrides(Map.of("segment.bytes", "65536")));
            LogEngine engine = LogEngine.open(settings);
            engine.createTopic(TP.topic(), 1, Map.of());
            PartitionLog log = engine.partition(TP);
            for (long next = 0; ; next += 5) {
                AppendResult result = log.append(Batches.of(5, System.currentTimeMillis(), (int) next), true);
                System.out.println("acked " + result.lastOffset());
                System.out.flush();
            }
        }
    }
}
