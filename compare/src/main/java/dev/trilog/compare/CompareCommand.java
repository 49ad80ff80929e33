package dev.trilog.compare;

import dev.trilog.compare.broker.Broker;
import dev.trilog.compare.broker.ChildGateway;
import dev.trilog.compare.broker.PeerBroker;
import dev.trilog.compare.broker.RemoteBroker;
import dev.trilog.compare.driver.Driver;
import dev.trilog.compare.driver.PeerDriver;
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
            description = "Protocols to run, in order: kafka, amqp091, amqp10, sqs. Default: all four.")
    List<String> protocols = new ArrayList<>();

    @Option(names = "--peer", paramLabel = "SYSTEM=ADDRESS",
            description = "Also run every workload against a peer system already running, alternating with Trilog: "
                    + "kafka=HOST:PORT (Apache Kafka), rabbitmq=HOST:PORT (RabbitMQ: AMQP 0-9-1, and 1.0 with its "
                    + "plugin), sqs=URL (ElasticMQ, LocalStack, ...). Repeatable.")
    Map<String, String> peerAddresses = new java.util.LinkedHashMap<>();

    @Option(names = "--peer-pid", paramLabel = "SYSTEM=PID",
            description = "A peer's pid on this machine, to read its CPU and disk writes from /proc.")
    Map<String, Long> peerPids = new java.util.LinkedHashMap<>();

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
        List<PeerBroker> peers = peers();
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
            List<Target> trilogTargets = chosen.stream().map(p -> new Target(p, broker, p.id())).toList();
            List<Target> peerTargets = peerTargets(chosen, peers);
            List<Target> allTargets = new ArrayList<>(trilogTargets);
            allTargets.addAll(peerTargets);
            List<String> series = seriesInOrder(chosen, peerTargets);
            try {
                progress.say("broker: " + broker.info().pinning());
                for (PeerBroker peer : peers) {
                    progress.say("peer " + peer.name() + ": " + peer.info().pinning());
                }
                String runId = "c" + Long.toString(started.getEpochSecond() % 1_000_000, 36);
                // The scenarios go first: they take seconds, and they run every client and broker path
                // the workloads use, so the first workload does not pay for the JIT compiling them.
                if (quick && !noScenarios) {
                    // to stay near a minute: the (unreported) warm-up runs beside the scenarios, which
                    // report counts and timeouts rather than speeds; its progress lines are not shown
                    Thread warming = new Thread(() -> warmUp(allTargets,
                            new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()), false), runId),
                            "compare-warm-up");
                    warming.start();
                    scenarios.addAll(runScenarios(allTargets, series, progress, runId));
                    progress.phase(() -> "  JIT warm-up finishing");
                    warming.join();
                    progress.end();
                } else {
                    if (!noScenarios) {
                        scenarios.addAll(runScenarios(allTargets, series, progress, runId));
                    }
                    warmUp(allTargets, progress, runId);
                }
                for (int w = 0; w < workloads.size() && !stop.stopped() && broker.alive(); w++) {
                    Workload workload = workloads.get(w);
                    // A B, then B A: neither protocol always runs first on a machine that warms up or gets busier
                    List<Protocol> order = new ArrayList<>(chosen);
                    if (w % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    for (Protocol protocol : order) {
                        // Trilog then its peer, then the peer first in the next workload: A B, B A
                        List<Target> targets = new ArrayList<>();
                        targets.add(new Target(protocol, broker, protocol.id()));
                        peerTargets.stream().filter(t -> t.protocol() == protocol).forEach(targets::add);
                        if (w % 2 == 1) {
                            java.util.Collections.reverse(targets);
                        }
                        for (Target target : targets) {
                            if (stop.stopped() || !broker.alive()) {
                                break;
                            }
                            try (Driver driver = target.driver()) {
                                String id = runId + "-" + w + "-" + target.series().replace('@', '-');
                                Duration drain = quick ? Duration.ofMillis(500) : Duration.ofSeconds(15);
                                RunResult result = new WorkloadRun(driver, workload, target.broker(), progress, stop, id,
                                        drain).run();
                                runs.add(result);
                                progress.say(oneLine(result));
                            } catch (RuntimeException e) {
                                if (target.broker() == broker) {
                                    throw e; // Trilog's own failures end the run, as before peers existed
                                }
                                // a peer that cannot be reached is reported and skipped; Trilog's runs go on
                                progress.say("  " + target.series() + " could not run " + workload.name() + ": " + e.getMessage());
                            }
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
                    series,
                    peers.stream().map(PeerBroker::info).toList(),
                    workloads, runs, scenarios, List.of(), profiles(dir, runs));
            List<String> charts = Charts.draw(results, dir);
            results = new Results(results.tool(), results.startedAt(), results.finishedAt(), results.quick(),
                    results.interrupted(), results.machine(), results.loadAverageAtEnd(), results.broker(),
                    results.protocols(), results.peers(), results.workloads(), results.runs(),
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
                out.println(String.format(Locale.ROOT, "  %-16s %-7s %s", s.scenario(), s.protocol(), s.observed()));
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

    /** Where one series of runs goes: a protocol, against Trilog or a peer, under the name the report shows. */
    record Target(Protocol protocol, Broker broker, String series) {

        Driver driver() {
            Driver driver = protocol.driver(broker);
            return series.equals(protocol.id()) ? driver : new PeerDriver(driver, series);
        }
    }

    /** The peers {@code --peer} names, each with the pid {@code --peer-pid} gives. */
    private List<PeerBroker> peers() {
        List<PeerBroker> peers = new ArrayList<>();
        for (String name : peerPids.keySet()) {
            if (!peerAddresses.containsKey(name)) {
                throw new ParameterException(spec.commandLine(), "--peer-pid " + name + ": no --peer " + name + "=ADDRESS");
            }
        }
        for (Map.Entry<String, String> peer : peerAddresses.entrySet()) {
            long pid = peerPids.getOrDefault(peer.getKey(), -1L);
            String address = peer.getValue().trim();
            peers.add(switch (peer.getKey()) {
                case "kafka" -> PeerBroker.kafka(hostPort("kafka", address), pid);
                case "rabbitmq" -> PeerBroker.rabbitmq(hostPort("rabbitmq", address), pid);
                case "sqs" -> {
                    if (!address.startsWith("http://") && !address.startsWith("https://")) {
                        throw new ParameterException(spec.commandLine(), "--peer sqs=" + address + ": give the endpoint URL"
                                + " (http://HOST:PORT)");
                    }
                    yield PeerBroker.sqs(java.net.URI.create(address), pid);
                }
                default -> throw new ParameterException(spec.commandLine(), "--peer: unknown system '" + peer.getKey()
                        + "' (known: kafka, rabbitmq, sqs)");
            });
        }
        return peers;
    }

    private String hostPort(String system, String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || !address.substring(colon + 1).matches("\\d{1,5}")) {
            throw new ParameterException(spec.commandLine(), "--peer " + system + "=" + address + ": give HOST:PORT");
        }
        return address;
    }

    /** The protocols each peer serves, among those chosen, as runs of their own. */
    static List<Target> peerTargets(List<Protocol> chosen, List<PeerBroker> peers) {
        List<Target> targets = new ArrayList<>();
        for (Protocol protocol : chosen) {
            for (PeerBroker peer : peers) {
                boolean serves = switch (peer.name()) {
                    case "kafka" -> protocol == Protocol.KAFKA;
                    case "rabbitmq" -> protocol == Protocol.AMQP091 || protocol == Protocol.AMQP10;
                    default -> protocol == Protocol.SQS;
                };
                if (serves) {
                    targets.add(new Target(protocol, peer, protocol.id() + "@" + peer.name()));
                }
            }
        }
        return targets;
    }

    /** Each chosen protocol followed by its peers' series: the report's columns, in order. */
    static List<String> seriesInOrder(List<Protocol> chosen, List<Target> peerTargets) {
        List<String> series = new ArrayList<>();
        for (Protocol protocol : chosen) {
            series.add(protocol.id());
            peerTargets.stream().filter(t -> t.protocol() == protocol).map(Target::series).forEach(series::add);
        }
        return series;
    }

    /**
     * The semantics scenarios, each target's in its own thread (they mostly wait: on group joins,
     * visibility timeouts, long polls), one scenario after another within a target. A peer's
     * results are reported under its series name.
     */
    private List<ScenarioResult> runScenarios(List<Target> targets, List<String> series, Progress progress, String runId)
            throws InterruptedException {
        List<String> names = List.of("replay", "consumer-killed", "ordering", "poison-message");
        Map<String, String> current = new java.util.concurrent.ConcurrentHashMap<>();
        List<ScenarioResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        progress.phase(() -> String.format(Locale.ROOT, "  scenarios %4.1fs  %s", (System.nanoTime() - start) / 1e9,
                String.join(", ", targets.stream().map(t -> t.series() + ": " + current.getOrDefault(t.series(), "done")).toList())));
        List<Thread> threads = new ArrayList<>();
        for (Target target : targets) {
            Thread thread = new Thread(() -> {
                try (Driver driver = target.driver()) {
                    SemanticsProbe probe = driver.semantics();
                    String id = runId + "-s-" + target.series().replace('@', '-');
                    for (String name : names) {
                        if (stop.stopped()) {
                            break;
                        }
                        current.put(target.series(), name);
                        long began = System.nanoTime();
                        ScenarioResult result;
                        try {
                            result = switch (name) {
                                case "replay" -> probe.replay(id);
                                case "consumer-killed" -> probe.consumerKilled(id);
                                case "ordering" -> probe.ordering(id);
                                default -> probe.poisonMessage(id);
                            };
                        } catch (Exception e) {
                            result = ScenarioResult.failed(name, target.series(), e, began);
                        }
                        results.add(new ScenarioResult(result.scenario(), target.series(), result.status(),
                                result.observed(), result.figures(), result.millis()));
                    }
                } catch (RuntimeException e) {
                    results.add(ScenarioResult.failed("all", target.series(), e, start));
                } finally {
                    current.put(target.series(), "done");
                }
            }, "compare-scenarios-" + target.series());
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        progress.end();
        // in a stable order: by series as reported, then scenario as listed
        List<ScenarioResult> ordered = new ArrayList<>(results);
        ordered.sort(java.util.Comparator.<ScenarioResult>comparingInt(r -> series.indexOf(r.protocol()))
                .thenComparingInt(r -> names.indexOf(r.scenario())));
        return ordered;
    }

    /**
     * 1 KiB messages at max rate through each target in turn, measured but thrown away (10 s
     * each; 2 s under --quick): a fresh broker and fresh clients run interpreted code for seconds,
     * and the first workload would pay for it. (Together they were faster, but Kafka starved SQS.)
     */
    private void warmUp(List<Target> targets, Progress progress, String runId) {
        Duration measured = quick ? Duration.ofMillis(1500) : Duration.ofSeconds(8);
        Duration warm = quick ? Duration.ofMillis(500) : Duration.ofSeconds(2);
        Workload workload = new Workload("jit-warm-up", "not reported", 1024, 2, 2, 1, 2, 0, measured, warm, 0, 0,
                Workload.KafkaSettings.defaults(), Workload.SqsSettings.defaults(),
                Workload.Amqp091Settings.defaults(), Workload.Amqp10Settings.defaults());
        for (Target target : targets) {
            if (stop.stopped()) {
                return;
            }
            try (Driver driver = target.driver()) {
                RunResult result = new WorkloadRun(driver, workload, target.broker(), progress, stop,
                        runId + "-w-" + target.series().replace('@', '-'), Duration.ofSeconds(1)).run();
                progress.say(String.format(Locale.ROOT, "  %-7s JIT warm-up done (%,.0f msg/s; not reported)",
                        target.series(), result.messagesPerSecondOut()));
            } catch (RuntimeException e) {
                progress.say("  " + target.series() + " warm-up failed: " + e.getMessage());
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
            // the recording is Trilog's: a peer's run windows would only show Trilog idling
            return JfrProfile.summarize(recording, runs.stream().filter(r -> !r.protocol().contains("@")).toList());
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
            String how = switch (run.protocol()) {
                case "sqs" -> "the producer sent each message to " + readers + " queues";
                case "amqp091", "amqp10" -> "a fanout exchange routed each message to " + readers + " queues";
                default -> readers + " consumer groups read one copy";
            };
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
        return String.format(Locale.ROOT, "  %-7s %-20s %s: in %,.0f msg/s, out %,.0f msg/s, e2e p99 %s ms, CPU %s s/M msgs%s",
                r.protocol(), r.workload(), r.status(), r.messagesPerSecondIn(), r.messagesPerSecondOut(),
                r.endToEnd().count() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.endToEnd().p99()),
                r.brokerCpuSecondsPerMillion() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", r.brokerCpuSecondsPerMillion()),
                r.error() == null ? "" : " (" + r.error() + ")");
    }

    private List<Protocol> chosenProtocols() {
        if (protocols.isEmpty()) {
            return List.of(Protocol.values());
        }
        List<Protocol> chosen = new ArrayList<>();
        for (String name : protocols) {
            Protocol protocol = Protocol.byId(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--protocols: unknown protocol '" + name + "' (known: kafka, sqs, amqp091, amqp10)"));
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
