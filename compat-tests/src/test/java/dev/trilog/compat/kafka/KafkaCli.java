package dev.trilog.compat.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of Kafka's command-line tools (from the kafka-tools jar) in its own JVM, as the
 * {@code kafka-*.sh} scripts do, and captures what it prints.
 */
final class KafkaCli {

    /** A finished tool run. */
    record Result(int exitCode, String output) {
    }

    static final String TOPICS = "org.apache.kafka.tools.TopicCommand";
    /** kafka-configs.sh: still in Kafka's core module. */
    static final String CONFIGS = "kafka.admin.ConfigCommand";
    static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    static final String CONSUMER_GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    static final String SHARE_GROUPS = "org.apache.kafka.tools.consumer.group.ShareGroupCommand";
    static final String PRODUCER_PERF = "org.apache.kafka.tools.ProducerPerformance";
    static final String CONSUMER_PERF = "org.apache.kafka.tools.ConsumerPerformance";
    static final String TRANSACTIONS = "org.apache.kafka.tools.TransactionsCommand";
    static final String ACLS = "org.apache.kafka.tools.AclCommand";
    static final String METADATA_QUORUM = "org.apache.kafka.tools.MetadataQuorumCommand";
    /** Kafka Streams' word count example: reads streams-plaintext-input, writes streams-wordcount-output. */
    static final String WORD_COUNT_DEMO = "org.apache.kafka.streams.examples.wordcount.WordCountDemo";

    private KafkaCli() {
    }

    /** Resolved by the compat-kafka-cli module: kafka-tools with the kafka-clients it was built against. */
    private static String toolsClasspath() throws IOException {
        return java.nio.file.Files.readString(Path.of(System.getProperty("kafka.cli.classpath.file"))).trim();
    }

    static Result run(String mainClass, String stdin, String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command(mainClass, args)).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(mainClass + " did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    /**
     * Starts a long-running tool or application, its output going to {@code output}; stop it with
     * {@link #stop}, which asks it to shut down as Ctrl-C would.
     */
    /** {@code kafka-configs --entity-type groups --entity-name group} with {@code args} (--alter …, --describe). */
    static Result groupConfigs(String bootstrap, String group, String... args) throws IOException, InterruptedException {
        List<String> all = new java.util.ArrayList<>(List.of("--bootstrap-server", bootstrap, "--entity-type", "groups",
                "--entity-name", group));
        all.addAll(List.of(args));
        return run(CONFIGS, null, all.toArray(String[]::new));
    }

    static Process start(Path output, String mainClass, String... args) throws IOException {
        return new ProcessBuilder(command(mainClass, args)).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
    }

    static void stop(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: the application's shutdown hook closes it cleanly
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static List<String> command(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", toolsClasspath(), mainClass));
        command.addAll(List.of(args));
        return command;
    }
}
