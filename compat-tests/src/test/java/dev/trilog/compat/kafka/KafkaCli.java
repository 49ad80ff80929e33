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
    static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    static final String CONSUMER_GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    static final String TRANSACTIONS = "org.apache.kafka.tools.TransactionsCommand";

    private KafkaCli() {
    }

    /** Resolved by the compat-kafka-cli module: kafka-tools with the kafka-clients it was built against. */
    private static String toolsClasspath() throws IOException {
        return java.nio.file.Files.readString(Path.of(System.getProperty("kafka.cli.classpath.file"))).trim();
    }

    static Result run(String mainClass, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", toolsClasspath(), mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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
}
