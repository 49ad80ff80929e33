package dev.trilog.compare.broker;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Trilog gateway in a child JVM: {@code java -jar gateway/target/trilog.jar serve} (or the
 * gateway's main class from this JVM's class path when no jar is given), every port chosen by the
 * gateway itself, data in a fresh temporary directory, started under {@code taskset} when cores are
 * asked for, and in its own session ({@code setsid}) so a Ctrl-C in the terminal reaches only
 * compare, which then stops the broker itself. A child JVM is what makes pinning and {@code /proc}
 * accounting possible: an in-process gateway would share its cores and counters with the load
 * generator.
 */
public final class ChildGateway implements Broker {

    private static final Pattern LISTENING = Pattern.compile("(\\w+) listening on (\\S+):(\\d+)");
    private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");
    private static final Pattern STARTED = Pattern.compile("admin endpoints: ");

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final String kafka;
    private final URI sqs;
    private final String amqp;
    private final ProcessStats stats;
    private final BrokerInfo info;

    private ChildGateway(Process process, Path dataDir, Path log, String kafka, URI sqs, String amqp,
                         ProcessStats stats, BrokerInfo info) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.kafka = kafka;
        this.sqs = sqs;
        this.amqp = amqp;
        this.stats = stats;
        this.info = info;
    }

    /**
     * Starts the gateway and waits until it has logged its listeners.
     *
     * @param gatewayJar  the runnable trilog.jar, or null to start the gateway from this class path
     * @param brokerCores CPUs to pin the broker to; 0 for none
     * @param jvmOptions  options for the broker JVM
     * @param logFile     where the broker's output goes
     */
    public static ChildGateway start(Path gatewayJar, int brokerCores, List<String> jvmOptions, Path logFile)
            throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("trilog-compare-data-");
        long self = ProcessHandle.current().pid();
        CpuSet allowed = CpuSet.allowedFor(self);
        boolean taskset = brokerCores > 0 && onPath("taskset") && !allowed.isEmpty();
        CpuSet brokerSet = taskset ? allowed.first(brokerCores) : allowed;
        CpuSet generatorSet = taskset ? allowed.without(brokerSet) : allowed;
        List<String> notes = new ArrayList<>();

        List<String> command = new ArrayList<>();
        if (onPath("setsid")) {
            command.add("setsid");
        }
        if (taskset) {
            command.addAll(List.of("taskset", "-c", brokerSet.toString()));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> options = new ArrayList<>(jvmOptions);
        int activeProcessors = 0;
        if (brokerCores > 0) {
            activeProcessors = taskset ? brokerSet.size() : brokerCores;
            // the JVM reads the affinity mask itself, but say it outright: GC and Netty size their pools by it
            options.add("-XX:ActiveProcessorCount=" + activeProcessors);
        }
        command.addAll(options);
        String launch;
        if (gatewayJar != null) {
            command.addAll(List.of("-jar", gatewayJar.toString()));
            launch = "java -jar " + gatewayJar;
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.trilog.gateway.TrilogMain"));
            launch = "java -cp <compare's class path> dev.trilog.gateway.TrilogMain";
        }
        command.addAll(List.of("serve", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
                "--kafka-port", "0", "--amqp-port", "0", "--sqs-port", "0", "--admin-port", "0",
                "--set", "group.initial.rebalance.delay.ms=0"));

        Files.createDirectories(logFile.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command);
        // the gateway refuses TRILOG_* variables that are not its settings; compare's own are not
        builder.environment().keySet().removeIf(name -> name.startsWith("TRILOG_COMPARE"));
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            Banner banner = awaitBanner(process, logFile, 90);
            long pid = banner.pid > 0 ? banner.pid : process.pid();
            if (taskset && !generatorSet.isEmpty()) {
                if (!pin(self, generatorSet)) {
                    notes.add("the load generator could not be pinned");
                }
            }
            CpuSet brokerActual = CpuSet.allowedFor(pid);
            CpuSet generatorActual = CpuSet.allowedFor(self);
            String pinning = describe(brokerCores, taskset, allowed, brokerActual, generatorActual, notes);
            BrokerInfo info = new BrokerInfo("child", launch, pid, brokerCores, brokerActual.toString(),
                    generatorActual.toString(), activeProcessors, pinning, options, dataDir.toString());
            return new ChildGateway(process, dataDir, logFile, banner.kafka,
                    URI.create("http://" + banner.sqs), banner.amqp, new ProcessStats(pid), info);
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            deleteTree(dataDir);
            throw e;
        }
    }

    private static String describe(int requested, boolean taskset, CpuSet allowed, CpuSet broker, CpuSet generator,
                                   List<String> notes) {
        String text;
        if (requested == 0) {
            text = "no pinning (--broker-cores 0): broker and load generator share CPUs " + allowed;
        } else if (!taskset) {
            text = "asked for " + requested + " broker core(s) but taskset is not available: no pinning; "
                    + "the broker JVM was told it has " + requested + " processor(s)";
        } else if (generator.cpus().equals(broker.cpus()) || allowed.size() <= requested) {
            text = "broker pinned to CPU " + broker + " (taskset); the load generator shares them ("
                    + allowed.size() + " CPU(s) available, " + requested + " asked for the broker)";
        } else {
            text = "broker pinned to CPU " + broker + ", load generator to CPU " + generator + " (taskset)";
        }
        if (!notes.isEmpty()) {
            text += "; " + String.join("; ", notes);
        }
        return text;
    }

    /** Pins every thread of {@code pid} (this JVM) to {@code cpus}; new threads inherit it. */
    private static boolean pin(long pid, CpuSet cpus) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus.toString(), Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private record Banner(long pid, String kafka, String sqs, String amqp) {
    }

    private static Banner awaitBanner(Process process, Path log, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (STARTED.matcher(text).find()) {
                String kafka = null;
                String sqs = null;
                String amqp = null;
                Matcher m = LISTENING.matcher(text);
                while (m.find()) {
                    String address = m.group(2) + ":" + m.group(3);
                    switch (m.group(1)) {
                        case "kafka" -> kafka = address;
                        case "sqs" -> sqs = address;
                        case "amqp" -> amqp = address;
                        default -> { }
                    }
                }
                Matcher pid = PID.matcher(text);
                if (kafka == null || sqs == null) {
                    throw new IOException("the gateway started without a Kafka or SQS listener; see " + log);
                }
                return new Banner(pid.find() ? Long.parseLong(pid.group(1)) : -1, kafka, sqs, amqp);
            }
            if (!process.isAlive()) {
                throw new IOException("the gateway exited with status " + process.exitValue()
                        + " before it listened; last lines of " + log + ":\n" + tail(text, 15));
            }
            Thread.sleep(50);
        }
        throw new IOException("the gateway did not start within " + seconds + " s; see " + log);
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    @Override
    public String kafkaBootstrap() {
        return kafka;
    }

    @Override
    public URI sqsEndpoint() {
        return sqs;
    }

    @Override
    public String amqpAddress() {
        return amqp;
    }

    @Override
    public Optional<ProcessStats> process() {
        return Optional.of(stats);
    }

    @Override
    public BrokerInfo info() {
        return info;
    }

    @Override
    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGTERM (the gateway flushes and exits), then SIGKILL after 30 s; the data directory is removed. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(dataDir);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temp directory left behind is not worth failing a run for
        }
    }
}
