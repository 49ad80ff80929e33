package dev.trilog.compare;

import dev.trilog.compare.broker.Broker;
import dev.trilog.compare.broker.ChildGateway;
import dev.trilog.compare.broker.RemoteBroker;
import dev.trilog.compare.driver.Driver;
import dev.trilog.compare.driver.Protocol;
import dev.trilog.compare.driver.SemanticsProbe;
import dev.trilog.compare.report.Charts;
import dev.trilog.compare.report.JfrProfile;
import dev.trilog.compare.report.MachineFacts;
import dev.trilog.compare.report.Reports;
import dev.trilog.compare.report.Results;
import dev.trilog.compare.report.ResultsJson;
import dev.trilog.compare.report.SummaryTable;
import dev.trilog.compare.run.Progress;
import dev.trilog.compare.run.RunResult;
import dev.trilog.compare.run.StopSignal;
import dev.trilog.compare.run.WorkloadRun;
import dev.trilog.compare.scenario.ScenarioResult;
import dev.trilog.compare.workload.DefaultWorkloads;
import dev.trilog.compare.workload.Workload;
import dev.trilog.compare.workload.WorkloadException;
import dev.trilog.compare.workload.WorkloadParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trilog compare}: runs workloads through each protocol's real client against one Trilog
 * gateway and writes {@code compare-results/<timestamp>/} (results.json, report.md, report.html and
 * its charts).
 */
@Command(name = "trilog compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        version = "trilog compare 0.1.0",
        description = "Runs the same workloads through Kafka and SQS (AMQP 0-9-1 and 1.0 when their drivers land) "
                + "over one Trilog engine, and reports throughput, latency, broker CPU and disk per message, and how "
                + "each protocol behaves: replay, a killed consumer, ordering, a poison message, fan-out.",
        footerHeading = "%nOutput%n",
        footer = {
            "compare-results/<UTC timestamp>/: results.json, report.md, report.html,",
            "charts/*.png, gateway.log. See docs/compare.md.",
            "Exit status: 0 all runs completed, 1 a run failed, 2 usage or workload error, 130 stopped with Ctrl-C."})
public final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "A first look in about a minute: 2 s per run after 0.5 s of warm-up, a 10,000-message backlog.")
    boolean quick;

    @Option(names = "--workload", paramLabel = "FILE",
            description = "A workload file (YAML or JSON). Repeatable. Default: the five built-in workloads.")
    List<Path> workloadFiles = new ArrayList<>();

    @Option(names = "--protocols", paramLabel = "LIST", split = ",",
            description = "Protocols to run, in order: kafka, sqs (amqp091, amqp10 are pending). Default: every protocol with a driver.")
    List<String> protocols = new ArrayList<>();

    @Option(names = "--target", paramLabel = "HOST",
            description = "Use a gateway already running on HOST instead of starting one (no pinning; ports below).")
    String target;

    @Option(names = "--target-kafka-port", paramLabel = "PORT", defaultValue = "9092", description = "Default: ${DEFAULT-VALUE}.")
    int targetKafkaPort;

    @Option(names = "--target-sqs-port", paramLabel = "PORT", defaultValue = "9324", description = "Default: ${DEFAULT-VALUE}.")
    int targetSqsPort;

    @Option(names = "--target-amqp-port", paramLabel = "PORT", defaultValue = "5672", description = "Default: ${DEFAULT-VALUE}.")
    int targetAmqpPort;

    @Option(names = "--target-pid", paramLabel = "PID", defaultValue = "-1",
            description = "The --target gateway's pid on this machine, to read its CPU and disk writes from /proc.")
    long targetPid;

    @Option(names = "--broker-cores", paramLabel = "N", defaultValue = "1",
            description = "Pin the started gateway to N CPUs with taskset (the load generator gets the others) "
                    + "and tell its JVM it has N processors. 0 = no pinning. Default: ${DEFAULT-VALUE}.")
    int brokerCores;

    @Option(names = "--gateway-jar", paramLabel = "JAR",
            description = "The runnable gateway (trilog.jar). Default: the one ./trilog built (-Dtrilog.gateway.jar),"
                    + " else the gateway on compare's class path.")
    Path gatewayJar;

    @Option(names = "--broker-jvm-options", paramLabel = "OPTS", defaultValue = "-Xms1g -Xmx1g",
            description = "JVM options of the started gateway. Default: ${DEFAULT-VALUE}.")
    String brokerJvmOptions;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "compare-results",
            description = "Where the timestamped results directory is made. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--no-scenarios", description = "Skip the semantics scenarios.")
    boolean noScenarios;

    @Option(names = "--profile",
            description = "Record the started gateway with JFR (gateway.jfr in the results) and report where its Java time went in each run.")
    boolean profile;

    @Option(names = "--open", description = "At the end, print only the path of report.html (for scripts and browsers).")
    boolean open;

    private final StopSignal stop = new StopSignal();
    private boolean brokerDied;
    private PrintStream out = System.out;
    private boolean terminal = System.console() != null;

    /** For tests: where progress and the summary go, and whether it is a terminal. */
    CompareCommand output(PrintStream stream, boolean isTerminal) {
        this.out = stream;
        this.terminal = isTerminal;
        return this;
    }

    StopSignal stopSignal() {
        return stop;
    }

    @Override
    public Integer call() throws Exception {
        List<Protocol> chosen = chosenProtocols();
        List<Workload> workloads = loadWorkloads();
        if (quick) {
            workloads = workloads.stream().map(Workload::quick).toList();
        }
        if (brokerCores < 0) {
            throw new ParameterException(spec.commandLine(), "--broker-cores must be 0 or more");
        }

        Instant started = Instant.now();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started);
        Path dir = output.resolve(stamp);
        for (int i = 2; Files.exists(dir); i++) {
            dir = output.resolve(stamp + "-" + i);
        }
        Files.createDirectories(dir);
        Path checkout = Optional.ofNullable(System.getProperty("trilog.root")).map(Path::of).orElse(Path.of("."));
        MachineFacts machine = MachineFacts.collect(checkout);

        Thread hook = new Thread(() -> {
            stop.stop();
            try {
                stop.awaitFinished(60);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "compare-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);

        List<RunResult> runs = new ArrayList<>();
        List<ScenarioResult> scenarios = new ArrayList<>();
        Results results;
        try (Progress progress = new Progress(out, terminal)) {
            progress.say("trilog compare: " + workloads.size() + " workload(s) x " + chosen.size() + " protocol(s)"
                    + (quick ? " (--quick)" : "") + "; results in " + dir);
            Broker broker = startBroker(progress, dir);
            try {
                progress.say("broker: " + broker.info().pinning());
                String runId = "c" + Long.toString(started.getEpochSecond() % 1_000_000, 36);
                // The scenarios go first: they take seconds, and they run every client and broker path
                // the workloads use, so the first workload does not pay for the JIT compiling them.
                if (quick && !noScenarios) {
                    // to stay near a minute: the (unreported) warm-up runs beside the scenarios, which
                    // report counts and timeouts rather than speeds; its progress lines are not shown
                    Thread warming = new Thread(() -> warmUp(chosen, broker,
                            new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()), false), runId),
                            "compare-warm-up");
                    warming.start();
                    scenarios.addAll(runScenarios(chosen, broker, progress, runId));
                    progress.phase(() -> "  JIT warm-up finishing");
                    warming.join();
                    progress.end();
                } else {
                    if (!noScenarios) {
                        scenarios.addAll(runScenarios(chosen, broker, progress, runId));
                    }
                    warmUp(chosen, broker, progress, runId);
                }
                for (int w = 0; w < workloads.size() && !stop.stopped() && broker.alive(); w++) {
                    Workload workload = workloads.get(w);
                    // A B, then B A: neither protocol always runs first on a machine that warms up or gets busier
                    List<Protocol> order = new ArrayList<>(chosen);
                    if (w % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    for (Protocol protocol : order) {
                        if (stop.stopped()) {
                            break;
                        }
                        if (!broker.alive()) {
                            break;
                        }
                        try (Driver driver = protocol.driver(broker)) {
                            String id = runId + "-" + w + "-" + protocol.id();
                            Duration drain = quick ? Duration.ofMillis(500) : Duration.ofSeconds(15);
                            RunResult result = new WorkloadRun(driver, workload, broker, progress, stop, id, drain).run();
                            runs.add(result);
                            progress.say(oneLine(result));
                        }
                    }
                }
                if (!broker.alive()) {
                    progress.say("the broker exited during the run; what was measured is reported; see "
                            + dir.resolve("gateway.log"));
                    brokerDied = true;
                }
                scenarios.addAll(fanOutCost(runs, workloads));
            } finally {
                if (broker.info().mode().equals("child")) {
                    progress.say("stopping the broker");
                }
                broker.close();
            }
            results = new Results("trilog compare", started.toString(), Instant.now().toString(), quick, stop.stopped(),
                    machine, MachineFacts.currentLoadAverage(), broker.info(),
                    chosen.stream().map(Protocol::id).toList(),
                    Arrays.stream(Protocol.values()).filter(p -> !p.available()).map(Protocol::id).toList(),
                    workloads, runs, scenarios, List.of(), profiles(dir, runs));
            List<String> charts = Charts.draw(results, dir);
            results = new Results(results.tool(), results.startedAt(), results.finishedAt(), results.quick(),
                    results.interrupted(), results.machine(), results.loadAverageAtEnd(), results.broker(),
                    results.protocols(), results.pendingProtocols(), results.workloads(), results.runs(),
                    results.scenarios(), charts, results.profiles());
            ResultsJson.write(results, dir.resolve("results.json"));
            Reports.markdown(results, dir.resolve("report.md"));
            Reports.html(results, dir.resolve("report.html"));
        } catch (Exception | Error e) {
            stop.finished();
            throw e;
        }
        try {
            printSummary(dir, results);
        } finally {
            // after this the Ctrl-C hook returns and the JVM may halt: the summary is out by then
            stop.finished();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down (Ctrl-C)
        }
        if (stop.stopped()) {
            return 130;
        }
        return brokerDied || runs.stream().anyMatch(r -> r.status().equals("failed")) ? 1 : 0;
    }

    private void printSummary(Path dir, Results results) {
        if (open) {
            out.println(dir.resolve("report.html").toAbsolutePath());
        } else {
            out.println();
            out.print(SummaryTable.text(Reports.ordered(results)));
            for (ScenarioResult s : results.scenarios()) {
                out.println(String.format(Locale.ROOT, "  %-16s %-6s %s", s.scenario(), s.protocol(), s.observed()));
            }
            for (String line : Reports.headlines(results)) {
                out.println("  " + line);
            }
            out.println();
            out.println("report: " + dir.resolve("report.html").toAbsolutePath());
        }
        out.flush();
    }

    private Broker startBroker(Progress progress, Path dir) throws Exception {
        if (target != null) {
            return new RemoteBroker(target, targetKafkaPort, targetSqsPort, targetAmqpPort, targetPid);
        }
        Path jar = gatewayJar;
        if (jar == null) {
            String passed = System.getProperty("trilog.gateway.jar");
            jar = passed == null || passed.isBlank() ? null : Path.of(passed);
        }
        if (jar != null && !Files.isRegularFile(jar)) {
            throw new ParameterException(spec.commandLine(), "--gateway-jar: no such file: " + jar);
        }
        Path gatewayJarToUse = jar;
        long start = System.nanoTime();
        progress.phase(() -> String.format(Locale.ROOT, "  starting the gateway (%s) %.1fs",
                gatewayJarToUse == null ? "from the class path" : gatewayJarToUse.getFileName(), (System.nanoTime() - start) / 1e9));
        List<String> options = new ArrayList<>(Arrays.stream(brokerJvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        if (profile) {
            // written when the broker exits (compare stops it with SIGTERM)
            options.add("-XX:StartFlightRecording=filename=" + dir.resolve("gateway.jfr").toAbsolutePath()
                    + ",settings=profile,dumponexit=true");
        }
        return ChildGateway.start(jar, brokerCores, options, dir.resolve("gateway.log"));
    }

    /**
     * The semantics scenarios, each protocol's in its own thread (they mostly wait: on group joins,
     * visibility timeouts, long polls), one scenario after another within a protocol.
     */
    private List<ScenarioResult> runScenarios(List<Protocol> chosen, Broker broker, Progress progress, String runId)
            throws InterruptedException {
        List<String> names = List.of("replay", "consumer-killed", "ordering", "poison-message");
        Map<Protocol, String> current = new java.util.concurrent.ConcurrentHashMap<>();
        List<ScenarioResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        progress.phase(() -> String.format(Locale.ROOT, "  scenarios %4.1fs  %s", (System.nanoTime() - start) / 1e9,
                String.join(", ", chosen.stream().map(p -> p.id() + ": " + current.getOrDefault(p, "done")).toList())));
        List<Thread> threads = new ArrayList<>();
        for (Protocol protocol : chosen) {
            Thread thread = new Thread(() -> {
                try (Driver driver = protocol.driver(broker)) {
                    SemanticsProbe probe = driver.semantics();
                    String id = runId + "-s-" + protocol.id();
                    for (String name : names) {
                        if (stop.stopped()) {
                            break;
                        }
                        current.put(protocol, name);
                        long began = System.nanoTime();
                        try {
                            results.add(switch (name) {
                                case "replay" -> probe.replay(id);
                                case "consumer-killed" -> probe.consumerKilled(id);
                                case "ordering" -> probe.ordering(id);
                                default -> probe.poisonMessage(id);
                            });
                        } catch (Exception e) {
                            results.add(ScenarioResult.failed(name, protocol.id(), e, began));
                        }
                    }
                } catch (RuntimeException e) {
                    results.add(ScenarioResult.failed("all", protocol.id(), e, start));
                } finally {
                    current.put(protocol, "done");
                }
            }, "compare-scenarios-" + protocol.id());
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        progress.end();
        // in a stable order: by protocol as chosen, then scenario as listed
        List<ScenarioResult> ordered = new ArrayList<>(results);
        ordered.sort(java.util.Comparator.<ScenarioResult>comparingInt(r -> chosen.indexOf(Protocol.byId(r.protocol()).orElseThrow()))
                .thenComparingInt(r -> names.indexOf(r.scenario())));
        return ordered;
    }

    /**
     * 1 KiB messages at max rate through each protocol in turn, measured but thrown away (10 s
     * each; 2 s under --quick): a fresh broker and fresh clients run interpreted code for seconds,
     * and the first workload would pay for it. (Together they were faster, but Kafka starved SQS.)
     */
    private void warmUp(List<Protocol> chosen, Broker broker, Progress progress, String runId) {
        Duration measured = quick ? Duration.ofMillis(1500) : Duration.ofSeconds(8);
        Duration warm = quick ? Duration.ofMillis(500) : Duration.ofSeconds(2);
        Workload workload = new Workload("jit-warm-up", "not reported", 1024, 2, 2, 1, 2, 0, measured, warm, 0, 0,
                Workload.KafkaSettings.defaults(), Workload.SqsSettings.defaults(),
                Workload.Amqp091Settings.defaults(), Workload.Amqp10Settings.defaults());
        for (Protocol protocol : chosen) {
            if (stop.stopped()) {
                return;
            }
            try (Driver driver = protocol.driver(broker)) {
                RunResult result = new WorkloadRun(driver, workload, broker, progress, stop, runId + "-w-" + protocol.id(),
                        Duration.ofSeconds(1)).run();
                progress.say(String.format(Locale.ROOT, "  %-6s JIT warm-up done (%,.0f msg/s; not reported)",
                        protocol.id(), result.messagesPerSecondOut()));
            }
        }
    }

    /** Reads gateway.jfr, which the broker wrote when it stopped; nothing without --profile or without the file. */
    private List<JfrProfile.RunProfile> profiles(Path dir, List<RunResult> runs) {
        Path recording = dir.resolve("gateway.jfr");
        if (!profile || !Files.isRegularFile(recording)) {
            return List.of();
        }
        try {
            return JfrProfile.summarize(recording, runs);
        } catch (IOException | RuntimeException e) {
            out.println("trilog compare: gateway.jfr could not be read: " + e.getMessage());
            return List.of();
        }
    }

    /** The fan-out cost, read from the runs of workloads with more than one reader. */
    static List<ScenarioResult> fanOutCost(List<RunResult> runs, List<Workload> workloads) {
        List<ScenarioResult> results = new ArrayList<>();
        for (RunResult run : runs) {
            Optional<Workload> workload = workloads.stream().filter(w -> w.name().equals(run.workload())).findFirst();
            if (workload.isEmpty() || workload.get().readers() < 2 || run.messagesIn() == 0) {
                continue;
            }
            int readers = workload.get().readers();
            double copies = run.diskBytesPerMessage() < 0 ? -1 : run.diskBytesPerMessage() / workload.get().messageSize();
            String how = run.protocol().equals("sqs")
                    ? "the producer sent each message to " + readers + " queues"
                    : readers + " consumer groups read one copy";
            String observed = String.format(Locale.ROOT,
                    "%s (%s): %,.0f msg/s in, %,.0f deliveries/s out; %s bytes written per message (%s the body); "
                            + "%s broker CPU s per million messages published.",
                    run.workload(), how, run.messagesPerSecondIn(), run.messagesPerSecondOut(),
                    run.diskBytesPerMessage() < 0 ? "unknown" : String.format(Locale.ROOT, "%,.0f", run.diskBytesPerMessage()),
                    copies < 0 ? "?" : String.format(Locale.ROOT, "%.1fx", copies),
                    run.brokerCpuSecondsPerMillion() < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", run.brokerCpuSecondsPerMillion()));
            results.add(new ScenarioResult("fan-out-cost", run.protocol(), "observed", observed,
                    Map.of("readers", readers, "diskBytesPerMessage", run.diskBytesPerMessage(),
                            "bodyCopiesOnDisk", copies, "brokerCpuSecondsPerMillion", run.brokerCpuSecondsPerMillion(),
                            "messagesPerSecondIn", run.messagesPerSecondIn(), "messagesPerSecondOut", run.messagesPerSecondOut()),
                    0));
        }
        return results;
    }

    private static String oneLine(RunResult r) {
        return String.format(Locale.ROOT, "  %-6s %-20s %s: in %,.0f msg/s, out %,.0f msg/s, e2e p99 %s ms, CPU %s s/M msgs%s",
                r.protocol(), r.workload(), r.status(), r.messagesPerSecondIn(), r.messagesPerSecondOut(),
                r.endToEnd().count() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.endToEnd().p99()),
                r.brokerCpuSecondsPerMillion() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", r.brokerCpuSecondsPerMillion()),
                r.error() == null ? "" : " (" + r.error() + ")");
    }

    private List<Protocol> chosenProtocols() {
        if (protocols.isEmpty()) {
            return Protocol.withDrivers();
        }
        List<Protocol> chosen = new ArrayList<>();
        for (String name : protocols) {
            Protocol protocol = Protocol.byId(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--protocols: unknown protocol '" + name + "' (known: kafka, sqs, amqp091, amqp10)"));
            if (!protocol.available()) {
                throw new ParameterException(spec.commandLine(), "--protocols: " + protocol.title()
                        + " has no driver yet (its frontend is still being written); available: "
                        + String.join(", ", Protocol.withDrivers().stream().map(Protocol::id).toList()));
            }
            if (!chosen.contains(protocol)) {
                chosen.add(protocol);
            }
        }
        return chosen;
    }

    private List<Workload> loadWorkloads() {
        if (workloadFiles.isEmpty()) {
            return DefaultWorkloads.load();
        }
        WorkloadParser parser = new WorkloadParser();
        List<Workload> workloads = new ArrayList<>();
        for (Path file : workloadFiles) {
            try {
                workloads.add(parser.parse(file));
            } catch (WorkloadException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return workloads;
    }
}
