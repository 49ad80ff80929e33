package dev.trilog.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The door relays each connection to the node that serves the queues, holds one that arrives while
 * none does (or while the leader cannot be reached) until one does, and closes the connections of
 * a leader that is no longer one.
 */
class LeaderDoorTest {

    private static final int SELF = 1;

    private final AtomicReference<OptionalInt> leader = new AtomicReference<>(OptionalInt.empty());
    private final Map<Integer, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private volatile boolean servingHere;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void relaysToTheLeadersAddressAndToThisNodesOwnFrontendWhileItServes() throws Exception {
        Echo node2 = echo("node-2");
        Echo local = echo("local");
        addresses.put(2, node2.address());
        leader.set(OptionalInt.of(2));
        InetSocketAddress door = door(Duration.ofSeconds(5), local.address());

        assertThat(roundTrip(door, "hello")).isEqualTo("node-2:hello");

        leader.set(OptionalInt.of(SELF));
        servingHere = true;
        assertThat(roundTrip(door, "hello")).isEqualTo("local:hello");
    }

    @Test
    void aConnectionArrivingDuringAnElectionIsHeldAndRelayedOnceANodeServes() throws Exception {
        Echo node2 = echo("node-2");
        addresses.put(2, node2.address());
        InetSocketAddress door = door(Duration.ofSeconds(5), node2.address());

        try (Socket client = connect(door)) {
            client.getOutputStream().write("sent early\n".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(400); // no leader yet: the door must neither close nor lose what was sent
            leader.set(OptionalInt.of(2));
            assertThat(readLine(client.getInputStream())).isEqualTo("node-2:sent early");
        }
    }

    @Test
    void aConnectionIsHeldWhileThisNodeLeadsButHasNotTakenTheQueuesOverYet() throws Exception {
        Echo local = echo("local");
        leader.set(OptionalInt.of(SELF));
        InetSocketAddress door = door(Duration.ofSeconds(5), local.address());

        try (Socket client = connect(door)) {
            client.getOutputStream().write("early\n".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(300);
            servingHere = true;
            assertThat(readLine(client.getInputStream())).isEqualTo("local:early");
        }
    }

    @Test
    void aLeaderWhoseRecordedAddressIsStaleIsRetriedUntilItsNewOneIsRecorded() throws Exception {
        InetSocketAddress gone;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            gone = (InetSocketAddress) closed.getLocalSocketAddress(); // the port it listened at before its restart
        }
        addresses.put(2, gone);
        leader.set(OptionalInt.of(2));
        Echo restarted = echo("node-2");
        InetSocketAddress door = door(Duration.ofSeconds(5), restarted.address());

        try (Socket client = connect(door)) {
            client.getOutputStream().write("retry me\n".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(400);
            addresses.put(2, restarted.address());
            assertThat(readLine(client.getInputStream())).isEqualTo("node-2:retry me");
        }
    }

    @Test
    void aConnectionNoNodeServesWithinTheHoldIsClosed() throws Exception {
        InetSocketAddress door = door(Duration.ofMillis(300), new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));

        try (Socket client = connect(door)) {
            long started = System.nanoTime();
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void connectionsRelayedToALeaderThatLostTheLeadAreClosedAndNewOnesReachTheNewLeader() throws Exception {
        Echo node2 = echo("node-2");
        Echo node3 = echo("node-3");
        addresses.put(2, node2.address());
        addresses.put(3, node3.address());
        leader.set(OptionalInt.of(2));
        LeaderDoor door = new LeaderDoor("test", leader::get, SELF, () -> servingHere, () -> null,
                node -> Optional.ofNullable(addresses.get(node)), Duration.ofSeconds(5));
        closing.add(door);
        InetSocketAddress at = door.start("127.0.0.1", 0);

        try (Socket client = connect(at)) {
            client.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readLine(client.getInputStream())).isEqualTo("node-2:one");
            assertThat(door.connections()).isEqualTo(1);

            leader.set(OptionalInt.of(3));
            door.leaderChanged();
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(roundTrip(at, "two")).isEqualTo("node-3:two");
    }

    private InetSocketAddress door(Duration hold, InetSocketAddress local) throws IOException {
        LeaderDoor door = new LeaderDoor("test", leader::get, SELF, () -> servingHere, () -> local,
                node -> Optional.ofNullable(addresses.get(node)), hold);
        closing.add(door);
        return door.start("127.0.0.1", 0);
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String roundTrip(InetSocketAddress address, String line) throws IOException {
        try (Socket client = connect(address)) {
            client.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return readLine(client.getInputStream());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed after \"" + line + "\"");
            }
            line.append((char) b);
        }
        return line.toString();
    }

    /** A node's frontend stand-in: answers each line with {@code <name>:<line>}. */
    private Echo echo(String name) throws IOException {
        Echo echo = new Echo(name, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        closing.add(echo);
        daemon(echo::serve);
        return echo;
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "echo");
        thread.setDaemon(true);
        thread.start();
    }

    private record Echo(String name, ServerSocket server) implements AutoCloseable {

        InetSocketAddress address() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        void serve() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    daemon(() -> answer(socket));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void answer(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                while (true) {
                    out.write((name + ":" + readLine(in) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the door closed it
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
