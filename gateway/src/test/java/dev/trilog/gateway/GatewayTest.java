package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.frontend.ConfigKey;
import dev.trilog.frontend.Frontend;
import dev.trilog.frontend.FrontendConfig;
import dev.trilog.frontend.FrontendContext;
import dev.trilog.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway started in-process: start order, the frontend seam, stop order, failed starts. */
class GatewayTest {

    @TempDir
    Path dataDir;

    private final List<String> events = new CopyOnWriteArrayList<>();

    @Test
    void theReplicationTimeoutsAreTheSettingsOnesAndATooShortElectionTimeoutIsRefusedNamingIt() {
        var timeouts = Gateway.replicationTimeouts(TestConfigs.ephemeral(dataDir, "cluster.election.timeout.ms", "2000",
                "cluster.leader.patience.ms", "7000", "replica.lag.time.max.ms", "9000"));
        assertThat(timeouts.election()).hasMillis(2_000);
        assertThat(timeouts.leaderPatience()).hasMillis(7_000);
        assertThat(timeouts.replicaLagMax()).hasMillis(9_000);
        assertThat(Gateway.replicationTimeouts(TestConfigs.ephemeral(dataDir)).election()).hasMillis(500);
        assertThatThrownBy(() -> Gateway.replicationTimeouts(
                TestConfigs.ephemeral(dataDir, "cluster.election.timeout.ms", "50")))
                .hasMessageContaining("cluster.election.timeout.ms");
    }

    @Test
    void servesHealthAndMetricsUntilClosed() {
        RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dataDir), List.of());
        int port = gateway.listener("admin").boundAddress().getPort();

        HttpResponse<String> health = Http.get(port, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
        HttpResponse<String> metrics = Http.get(port, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes", "process_uptime_seconds", "system_cpu_count",
                "trilog_log_unreadable_batches_total 0.0", "trilog_partitions_storage_failed 0.0");

        gateway.close();

        assertThat(gateway.stoppedCleanly()).isTrue();
        assertThat(refusesConnections(port)).isTrue();
    }

    @Test
    void closingTwiceIsHarmless() {
        RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dataDir), List.of());

        gateway.close();
        gateway.close();

        assertThat(gateway.stoppedCleanly()).isTrue();
    }

    @Test
    void theLogIsReleasedOnCloseSoTheSameDirectoryOpensAgain() {
        Gateway.start(TestConfigs.ephemeral(dataDir), List.of()).close();

        try (RunningGateway again = Gateway.start(TestConfigs.ephemeral(dataDir), List.of())) {
            assertThat(again.engine()).isNotNull();
        }
    }

    @Test
    void frontendsStartBeforeTheAdminEndpointAndStopBeforeIt() {
        RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dataDir), List.of(recording("kafka")));

        assertThat(gateway.listeners()).extracting(Listener::name).containsExactly("kafka", "admin");
        gateway.close();
        assertThat(events).containsExactly("kafka started", "kafka closed");
    }

    @Test
    void frontendsShareTheRegistryThatMetricsServes() {
        try (RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dataDir), List.of(recording("kafka")))) {
            String metrics = Http.get(gateway.listener("admin").boundAddress().getPort(), "/metrics").body();

            assertThat(metrics).contains("test_frontend_starts_total 1.0");
        }
    }

    @Test
    void aTakenPortStopsTheStartBeforeAnythingOpensOrTheDataDirectoryIsCreated() throws IOException {
        Path newDataDir = dataDir.resolve("new");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            for (String key : List.of("admin.port", "kafka.port")) {
                GatewayConfig config = TestConfigs.ephemeral(newDataDir, key, String.valueOf(port));

                assertThatThrownBy(() -> Gateway.start(config, List.of(recording("kafka"))))
                        .isInstanceOf(StartupException.class)
                        .hasMessage(key + " " + port + " is already in use on 127.0.0.1");
            }
        }
        assertThat(events).isEmpty();
        assertThat(newDataDir).doesNotExist();
    }

    @Test
    void aPortTakenAfterTheCheckIsNamedTheSameWayAndEverythingIsClosed() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (ServerSocket thief = new ServerSocket()) {
            // the check finds the admin port free; the frontend's start then takes it
            Frontend takesTheAdminPort = new RecordingFrontend("kafka", events) {
                @Override
                public InetSocketAddress start() throws IOException {
                    thief.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    return super.start();
                }
            };
            GatewayConfig config = TestConfigs.ephemeral(dataDir, "admin.port", String.valueOf(port));

            assertThatThrownBy(() -> Gateway.start(config, List.of(takesTheAdminPort)))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("admin.port " + port + " is already in use on 127.0.0.1");
        }
        assertThat(events).containsExactly("kafka started", "kafka closed");
        // the log was closed too: the directory opens again
        Gateway.start(TestConfigs.ephemeral(dataDir), List.of()).close();
    }

    @Test
    void aFrontendThatCannotBindIsNamedByItsKey() {
        Frontend unbindable = new RecordingFrontend("kafka", events) {
            @Override
            public InetSocketAddress start() throws IOException {
                throw new BindException("Address already in use");
            }
        };

        assertThatThrownBy(() -> Gateway.start(TestConfigs.ephemeral(dataDir), List.of(unbindable)))
                .isInstanceOf(StartupException.class)
                .hasMessage("kafka.port 0 is already in use on 127.0.0.1");
    }

    @Test
    void nettysNativeWordingOfATakenPortReadsLikeTheJdks() {
        Frontend epollBind = new RecordingFrontend("kafka", events) {
            @Override
            public InetSocketAddress start() throws IOException {
                // what Netty's epoll transport throws (Errors.NativeIoException), not a BindException
                throw new IOException("bind(..) failed with error(-98): Address already in use");
            }
        };

        assertThatThrownBy(() -> Gateway.start(TestConfigs.ephemeral(dataDir), List.of(epollBind)))
                .isInstanceOf(StartupException.class)
                .hasMessage("kafka.port 0 is already in use on 127.0.0.1");
    }

    @Test
    void aFailedStartRemovesTheDataDirectoryItCreatedButNotOneThatWasThere() {
        Path newDataDir = dataDir.resolve("fresh");
        Frontend broken = new RecordingFrontend("sqs", events) {
            @Override
            public void initialize(FrontendContext context) throws IOException {
                throw new IOException("queue metadata unreadable");
            }
        };

        assertThatThrownBy(() -> Gateway.start(TestConfigs.ephemeral(newDataDir), List.of(broken)))
                .isInstanceOf(StartupException.class);
        assertThat(newDataDir).doesNotExist();

        assertThatThrownBy(() -> Gateway.start(TestConfigs.ephemeral(dataDir), List.of(broken)))
                .isInstanceOf(StartupException.class);
        assertThat(dataDir).isDirectory().isNotEmptyDirectory();
    }

    @Test
    void aFrontendThatDoesNotListenYetIsNeitherInitializedNorStarted() {
        Frontend notYet = new RecordingFrontend("amqp", events) {
            @Override
            public boolean listens() {
                return false;
            }
        };

        try (RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dataDir), List.of(notYet, recording("kafka")))) {
            assertThat(gateway.listeners()).extracting(Listener::name).containsExactly("kafka", "admin");
        }
        assertThat(events).containsExactly("kafka started", "kafka closed");
    }

    @Test
    void aFrontendThatCannotReadItsStateStopsTheStartNamedAndClosed() {
        Frontend broken = new RecordingFrontend("sqs", events) {
            @Override
            public void initialize(FrontendContext context) throws IOException {
                throw new IOException("queue metadata unreadable");
            }

            @Override
            public void close() {
                events.add("sqs closed");
            }
        };

        assertThatThrownBy(() -> Gateway.start(TestConfigs.ephemeral(dataDir), List.of(recording("kafka"), broken)))
                .isInstanceOf(StartupException.class)
                .hasMessage("cannot start the sqs frontend: queue metadata unreadable");
        // every frontend is initialised before any starts (definitions are applied in between): kafka never listened
        assertThat(events).containsExactly("sqs closed");
        // the log was closed too: the directory opens again
        Gateway.start(TestConfigs.ephemeral(dataDir), List.of()).close();
    }

    @Test
    void anUnusableDataDirectoryStopsTheStartBeforeTheLogOpens() throws IOException {
        Path file = Files.createFile(dataDir.resolve("not-a-dir"));

        assertThatThrownBy(() -> Gateway.start(TestConfigs.ephemeral(file), List.of(recording("kafka"))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("data.dir " + file);
        assertThat(events).isEmpty();
    }

    private Frontend recording(String name) {
        return new RecordingFrontend(name, events);
    }

    private static boolean refusesConnections(int port) {
        try {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * A stand-in protocol frontend on {@code kafka.port} (declared by the real Kafka frontend on the
     * class path): a bound socket that notes when it starts and closes, and counts its starts in the
     * shared meter registry.
     */
    private static class RecordingFrontend implements Frontend {
        private final String name;
        private final List<String> events;
        private FrontendContext context;
        private ServerSocket socket;

        RecordingFrontend(String name, List<String> events) {
            this.name = name;
            this.events = events;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<ConfigKey> configKeys() {
            return List.of();
        }

        @Override
        public String portKey() {
            return "kafka.port";
        }

        @Override
        public void validate(FrontendConfig config) {
        }

        @Override
        public void initialize(FrontendContext context) throws IOException {
            this.context = context;
            context.meters().counter("test.frontend.starts");
        }

        @Override
        public InetSocketAddress start() throws IOException {
            FrontendConfig config = context.config();
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(config.listenHost(), config.port(portKey())));
            events.add(name + " started");
            context.meters().counter("test.frontend.starts").increment();
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            if (socket == null || socket.isClosed()) {
                return;
            }
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            events.add(name + " closed");
        }
    }
}
