package dev.trilog.compat.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kafka-frame-aware TCP proxy for fault injection: once armed, it lets the next Produce
 * request through to the broker but swallows its response and cuts the connection, the way a
 * network failure after the broker wrote the batch looks to a producer. Loopback only.
 */
final class ResponseDroppingProxy implements AutoCloseable {

    private static final short PRODUCE = 0;

    private final ServerSocket server;
    private final int upstreamPort;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger dropped = new AtomicInteger();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    /** Listens on {@code port} (0 for any) and forwards to the broker on {@code upstreamPort}. */
    ResponseDroppingProxy(int upstreamPort, int port) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next Produce request's response is dropped and its connection cut. */
    void dropNextProduceResponse() {
        armed.set(true);
    }

    int droppedResponses() {
        return dropped.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(upstream);
                Set<Integer> doomed = ConcurrentHashMap.newKeySet();
                start(() -> requests(client, upstream, doomed));
                start(() -> responses(upstream, client, doomed));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void requests(Socket client, Socket upstream, Set<Integer> doomed) {
        try {
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(upstream.getOutputStream());
            while (true) {
                byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                short apiKey = (short) (((frame[0] & 0xff) << 8) | (frame[1] & 0xff));
                int correlationId = java.nio.ByteBuffer.wrap(frame, 4, 4).getInt();
                if (apiKey == PRODUCE && armed.compareAndSet(true, false)) {
                    doomed.add(correlationId);
                }
                out.writeInt(frame.length);
                out.write(frame);
                out.flush();
            }
        } catch (IOException e) {
            closeBoth(client, upstream);
        }
    }

    private void responses(Socket upstream, Socket client, Set<Integer> doomed) {
        try {
            DataInputStream in = new DataInputStream(upstream.getInputStream());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            while (true) {
                byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                int correlationId = java.nio.ByteBuffer.wrap(frame, 0, 4).getInt();
                if (doomed.remove(correlationId)) {
                    dropped.incrementAndGet();
                    closeBoth(client, upstream);
                    return;
                }
                out.writeInt(frame.length);
                out.write(frame);
                out.flush();
            }
        } catch (IOException e) {
            closeBoth(client, upstream);
        }
    }

    private void closeBoth(Socket a, Socket b) {
        for (Socket s : new Socket[] {a, b}) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
            sockets.remove(s);
        }
    }

    private static void start(Runnable pump) {
        Thread thread = new Thread(pump, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
