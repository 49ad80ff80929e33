package dev.trilog.compare.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadParserTest {

    private final WorkloadParser parser = new WorkloadParser();

    private Workload yaml(String text) throws IOException {
        return parser.parse("w.yaml", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Workload json(String text) throws IOException {
        return parser.parse("w.json", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEveryFieldFromYaml() throws IOException {
        Workload w = yaml("""
                name: big
                description: large ones
                messageSize: 64 KiB
                producers: 2
                consumers: 3
                readers: 3
                partitions: 6
                rate: 10000
                duration: 2m
                warmup: 500ms
                kafka: {acks: 1, lingerMs: 5, batchSize: 128KiB, commitInterval: 250ms}
                sqs: {sendBatch: 5, receiveBatch: 7, waitTimeSeconds: 2, visibilityTimeout: 45s}
                amqp091: {confirms: false, autoAck: true, prefetch: 50}
                amqp10: {settled: true, credit: 10}
                """);
        assertThat(w.name()).isEqualTo("big");
        assertThat(w.messageSize()).isEqualTo(65536);
        assertThat(w.producers()).isEqualTo(2);
        assertThat(w.consumers()).isEqualTo(3);
        assertThat(w.readers()).isEqualTo(3);
        assertThat(w.partitions()).isEqualTo(6);
        assertThat(w.rate()).isEqualTo(10000);
        assertThat(w.fixedRate()).isTrue();
        assertThat(w.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(w.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(w.kafka()).isEqualTo(new Workload.KafkaSettings("1", 5, 131072, Duration.ofMillis(250)));
        assertThat(w.sqs()).isEqualTo(new Workload.SqsSettings(5, 7, 2, 45));
        assertThat(w.amqp091()).isEqualTo(new Workload.Amqp091Settings(false, true, 50));
        assertThat(w.amqp10()).isEqualTo(new Workload.Amqp10Settings(true, 10));
    }

    @Test
    void readsJsonAndFillsDefaults() throws IOException {
        Workload w = json("{\"name\": \"j\", \"rate\": \"max\", \"backlog\": 5000}");
        assertThat(w.messageSize()).isEqualTo(1024);
        assertThat(w.fixedRate()).isFalse();
        assertThat(w.isBacklogDrain()).isTrue();
        assertThat(w.quickBacklog()).isEqualTo(5000);
        assertThat(w.kafka()).isEqualTo(Workload.KafkaSettings.defaults());
        assertThat(w.sqs()).isEqualTo(Workload.SqsSettings.defaults());
    }

    @Test
    void quickShortensRunsAndBacklog() throws IOException {
        Workload w = yaml("name: b\nbacklog: 1000000\nquickBacklog: 20000\nduration: 30s\nwarmup: 5s\n").quick();
        assertThat(w.backlog()).isEqualTo(20000);
        assertThat(w.duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(w.warmup()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void theShippedWorkloadsParse() {
        List<Workload> defaults = DefaultWorkloads.load();
        assertThat(defaults).extracting(Workload::name).containsExactly("max-throughput-1k", "fixed-rate-10k-1k",
                "max-throughput-64k", "fan-out-3", "backlog-drain");
        assertThat(defaults.get(1).rate()).isEqualTo(10000);
        assertThat(defaults.get(2).messageSize()).isEqualTo(65536);
        assertThat(defaults.get(3).readers()).isEqualTo(3);
        assertThat(defaults.get(4).backlog()).isEqualTo(1_000_000);
        assertThat(defaults.get(4).quick().backlog()).isEqualTo(10_000);
    }

    @Test
    void anUnknownFieldIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> yaml("name: x\nmesageSize: 10\n"))
                .isInstanceOf(WorkloadException.class)
                .hasMessageStartingWith("w.yaml: unknown field 'mesageSize'")
                .hasMessageContaining("messageSize");
        assertThatThrownBy(() -> yaml("name: x\nkafka: {ack: all}\n"))
                .hasMessageStartingWith("w.yaml: unknown field 'kafka.ack'");
    }

    @Test
    void aBadValueNamesItsField() {
        assertThatThrownBy(() -> yaml("name: x\nkafka: {acks: 2}\n"))
                .hasMessage("w.yaml: field 'kafka.acks': expected 0, 1 or all, got '2'");
        assertThatThrownBy(() -> yaml("name: x\nmessageSize: lots\n"))
                .hasMessageStartingWith("w.yaml: field 'messageSize': expected a size");
        assertThatThrownBy(() -> yaml("name: x\nmessageSize: 10\n"))
                .hasMessageStartingWith("w.yaml: field 'messageSize': must be between 64 bytes and 1 MiB");
        assertThatThrownBy(() -> yaml("name: x\nrate: fast\n"))
                .hasMessageStartingWith("w.yaml: field 'rate': expected messages/s");
        assertThatThrownBy(() -> yaml("name: x\nduration: 3 weeks\n"))
                .hasMessageStartingWith("w.yaml: field 'duration'");
        assertThatThrownBy(() -> yaml("name: x\nsqs: {sendBatch: 11}\n"))
                .hasMessage("w.yaml: field 'sqs.sendBatch': must be between 1 and 10, got 11");
        assertThatThrownBy(() -> yaml("name: x\nproducers: two\n"))
                .hasMessage("w.yaml: field 'producers': expected a whole number, got 'two'");
        assertThatThrownBy(() -> yaml("name: x\namqp091: {autoAck: yes please}\n"))
                .hasMessageStartingWith("w.yaml: field 'amqp091.autoAck': expected true or false");
        assertThatThrownBy(() -> yaml("name: Has Spaces\n"))
                .hasMessageStartingWith("w.yaml: field 'name'");
    }

    @Test
    void aMissingNameAnEmptyFileAndBrokenSyntaxAreSaidSo() {
        assertThatThrownBy(() -> yaml("messageSize: 100\n")).hasMessage("w.yaml: field 'name' is missing");
        assertThatThrownBy(() -> yaml("")).hasMessageStartingWith("w.yaml: the file is empty");
        assertThatThrownBy(() -> json("{\"name\": \"x\",, }"))
                .hasMessageStartingWith("w.json: not valid JSON at line 1");
        assertThatThrownBy(() -> yaml("- a\n- b\n")).hasMessageContaining("expected a mapping");
    }

    @Test
    void aFileThatIsNotThereIsNamed(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> parser.parse(dir.resolve("nope.yaml"))).hasMessageContaining("nope.yaml: no such workload file");
        Path file = dir.resolve("ok.yml");
        Files.writeString(file, "name: ok\n");
        assertThat(parser.parse(file).name()).isEqualTo("ok");
    }
}
