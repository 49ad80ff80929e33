package dev.trilog.compat.soak;

import dev.trilog.gateway.TrilogMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code trilog serve} process on fixed ports and one data directory, killed with SIGKILL and
 * started again over the same directory and ports, as often as the soak asks. Its output goes to
 * a file beside the data directory (one file for every incarnation). The abuse suite runs its
 * broker with this too, for a process of its own whose memory it can measure.
 */
public final class SoakBroker implements AutoCloseable {

    /** Generous: a machine busy with other work has taken 20 s to start the JVM and open the log. */
    private static final int HEALTHY_WITHIN_SECONDS = 180;

    public final int kafkaPort;
    public final int amqpPort;
    public final int sqsPort;
    public final int adminPort;
    private final List<String> command;
    private final Path output;
    private Process process;

    /**
     * @param maxHeap  the broker's {@code -Xmx}
     * @param extraArgs appended to {@code trilog serve}'s arguments ({@code --set key=value}, {@code --log-level})
     */
    private SoakBroker(Path dataDir, Path output, String maxHeap, List<String> extraArgs) throws IOException {
        int[] ports = freePorts(4);
        this.kafkaPort = ports[0];
        this.amqpPort = ports[1];
        this.sqsPort = ports[2];
        this.adminPort = ports[3];
        this.output = output;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), TrilogMain.class.getName(), "serve",
                "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--amqp-port", Integer.toString(amqpPort), "--sqs-port", Integer.toString(sqsPort),
                "--admin-port", Integer.toString(adminPort), "--set", "group.initial.rebalance.delay.ms=0"));
        command.addAll(extraArgs);
        this.command = List.copyOf(command);
    }

    /** Starts the first incarnation and waits until every listener is up. */
    static SoakBroker start(Path dataDir, Path output) throws Exception {
        // a fetch out of range makes a consumer reset its position: the broker's side of that story
        return start(dataDir, output, "512m", List.of("--log-level", "INFO,dev.trilog.kafka.data.FetchHandler=DEBUG"));
    }

    /** Starts a broker with its own heap limit and extra {@code trilog serve} arguments, once every listener is up. */
    public static SoakBroker start(Path dataDir, Path output, String maxHeap, List<String> extraArgs) throws Exception {
        SoakBroker broker = new SoakBroker(dataDir, output, maxHeap, extraArgs);
        broker.startProcess();
        return broker;
    }

    /** The running incarnation's process id (for its memory in /proc, jcmd). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    public URI sqsEndpoint() {
        return URI.create("http://127.0.0.1:" + sqsPort);
    }

    /** SIGKILL, returning once the process is gone. */
    void kill() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker did not die within 30 s of SIGKILL");
        }
    }

    /** The same command again over the same data directory, ready once /health answers. */
    void restart() throws Exception {
        startProcess();
    }

    private void startProcess() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("TRILOG_"));
        process = builder.start();
        awaitHealthy();
    }

    /** The admin endpoint starts last: /health answering means every listener listens. */
    private void awaitHealthy() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HEALTHY_WITHIN_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited " + process.exitValue() + "; see " + output);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        threadDump();
        throw new IllegalStateException("the broker was not healthy within " + HEALTHY_WITHIN_SECONDS
                + " s; its output and a thread dump are in " + output);
    }

    /** What a broker that does not come up is doing, appended to its output. */
    private void threadDump() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start().waitFor(60, TimeUnit.SECONDS);
    }

    /** SIGTERM, as a user stops it; SIGKILL if it has not stopped within a minute. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Ports free now, kept for every incarnation (a restart must find its clients' ports again). */
    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
