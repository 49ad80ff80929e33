package dev.trilog.compat.abuse;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames whose size is a lie — negative, or past every limit — on the Kafka port and both AMQP
 * versions, each on a fresh connection the broker must close (having allocated nothing for the
 * size it was told), over and over; and half-open connections: a frame's first bytes and then
 * nothing, and the same dropped with a reset (SO_LINGER 0), which the broker must survive.
 */
final class BadFrames implements Abuse {

    private static final byte[] AMQP_091 = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    private static final byte[] AMQP_10 = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};

    private final int kafkaPort;
    private final int amqpPort;
    private final int sqsPort;
    private final int halfOpen;
    /** Each case's name and where and what it sends. */
    private final Map<String, Case> cases = new LinkedHashMap<>();
    /** Per case: closed by the broker, sent, the longest the broker took to close one (ms). */
    private final Map<String, int[]> closedOfSent = new LinkedHashMap<>();
    private final List<Socket> halfOpenSockets = new ArrayList<>();
    private volatile boolean stopped;
    private Thread sender;

    private record Case(int port, byte[] bytes) {
    }

    BadFrames(int kafkaPort, int amqpPort, int sqsPort, int halfOpen) {
        this.kafkaPort = kafkaPort;
        this.amqpPort = amqpPort;
        this.sqsPort = sqsPort;
        this.halfOpen = halfOpen;
        cases.put("kafka size -1", new Case(kafkaPort, size(new byte[0], -1, 64)));
        cases.put("kafka size 2^31-1", new Case(kafkaPort, size(new byte[0], Integer.MAX_VALUE, 64)));
        // 0-9-1: type 1, channel 0, then the size
        cases.put("amqp 0-9-1 size 2^32-1", new Case(amqpPort, size(concat(AMQP_091, new byte[] {1, 0, 0}), -1, 64)));
        cases.put("amqp 0-9-1 size 2^31-1",
                new Case(amqpPort, size(concat(AMQP_091, new byte[] {1, 0, 0}), Integer.MAX_VALUE, 64)));
        // 1.0: the size leads the frame header (doff 2, type 0, channel 0)
        cases.put("amqp 1.0 size 2^32-1", new Case(amqpPort, size(AMQP_10, -1, 64)));
        cases.put("amqp 1.0 size 2^31-1", new Case(amqpPort, size(AMQP_10, Integer.MAX_VALUE, 64)));
        cases.keySet().forEach(name -> closedOfSent.put(name, new int[3]));
    }

    /** {@code prefix}, then a 4-byte size, then {@code tail} bytes of 2 (an AMQP 1.0 doff; anything for the others). */
    private static byte[] size(byte[] prefix, int size, int tail) {
        ByteBuffer bytes = ByteBuffer.allocate(prefix.length + Integer.BYTES + tail).put(prefix).putInt(size);
        while (bytes.hasRemaining()) {
            bytes.put((byte) 2);
        }
        return bytes.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    @Override
    public void start() throws Exception {
        byte[][] firstBytes = {{0, 0}, {'A', 'M', 'Q'}, "POST /".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};
        int[] ports = {kafkaPort, amqpPort, sqsPort};
        for (int i = 0; i < halfOpen; i++) {
            Socket socket = Sockets.connect(ports[i % ports.length]);
            socket.getOutputStream().write(firstBytes[i % ports.length]);
            if (i % 2 == 0) {
                halfOpenSockets.add(socket); // kept, silent
            } else {
                socket.setSoLinger(true, 0); // dropped with a reset mid-frame
                socket.close();
            }
        }
        sender = new Thread(this::sendBadFrames, "abuse-bad-frames");
        sender.setDaemon(true);
        sender.start();
    }

    private void sendBadFrames() {
        while (!stopped) {
            for (Map.Entry<String, Case> entry : cases.entrySet()) {
                int[] tally = closedOfSent.get(entry.getKey());
                try (Socket socket = Sockets.connect(entry.getValue().port)) {
                    long start = System.nanoTime();
                    socket.getOutputStream().write(entry.getValue().bytes);
                    boolean closed = Sockets.closedByPeer(socket);
                    synchronized (tally) {
                        tally[1]++;
                        tally[0] += closed ? 1 : 0;
                        tally[2] = (int) Math.max(tally[2], (System.nanoTime() - start) / 1_000_000);
                    }
                } catch (java.io.IOException e) {
                    synchronized (tally) {
                        tally[1]++;
                        tally[0]++; // reset while writing: closed as well
                    }
                }
            }
        }
    }

    /** Per case, {closed by the broker, sent, slowest close in ms}. */
    Map<String, int[]> closedOfSent() {
        Map<String, int[]> copy = new LinkedHashMap<>();
        closedOfSent.forEach((name, tally) -> {
            synchronized (tally) {
                copy.put(name, tally.clone());
            }
        });
        return copy;
    }

    @Override
    public String report() {
        StringBuilder text = new StringBuilder(halfOpen + " half-open connections (half kept silent, half reset);");
        closedOfSent().forEach((name, tally) -> text.append(' ').append(name).append(": ").append(tally[0])
                .append('/').append(tally[1]).append(" closed (slowest ").append(tally[2]).append(" ms);"));
        return text.toString();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        if (sender != null) {
            sender.join(60_000);
        }
        Sockets.closeAll(halfOpenSockets);
    }
}
