package dev.trilog.compat.abuse;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slow-loris on the SQS port: connections that dribble an HTTP request's head one byte at a
 * time, every {@value #INTERVAL_MS} ms, and never finish it. The broker must cut them (the
 * request-head time-out, {@code sqs.idle-timeout-ms}) rather than hold them for ever.
 */
final class SlowLoris implements Abuse {

    static final long INTERVAL_MS = 100;
    /** A head that never ends: after the request line, one header whose value goes on for ever. */
    private static final byte[] HEAD_START = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final int count;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicInteger cut = new AtomicInteger();
    private final AtomicInteger bytes = new AtomicInteger();
    private volatile boolean stopped;
    private Thread dribbler;

    SlowLoris(int port, int count) {
        this.port = port;
        this.count = count;
    }

    @Override
    public void start() throws Exception {
        for (int i = 0; i < count; i++) {
            sockets.add(Sockets.connect(port));
        }
        dribbler = new Thread(this::dribble, "abuse-slow-loris");
        dribbler.setDaemon(true);
        dribbler.start();
    }

    private void dribble() {
        boolean[] done = new boolean[sockets.size()];
        for (int position = 0; !stopped; position++) {
            byte next = position < HEAD_START.length ? HEAD_START[position] : (byte) 'a';
            for (int i = 0; i < done.length; i++) {
                if (done[i]) {
                    continue;
                }
                try {
                    sockets.get(i).getOutputStream().write(next);
                    bytes.incrementAndGet();
                } catch (IOException closedByTheBroker) {
                    done[i] = true;
                    cut.incrementAndGet();
                }
            }
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Connections the broker has cut so far. */
    int cut() {
        return cut.get();
    }

    int count() {
        return count;
    }

    @Override
    public String report() {
        return count + " slow-loris connections, " + bytes.get() + " bytes dribbled, " + cut.get() + " cut by the broker";
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        if (dribbler != null) {
            dribbler.join(10_000);
        }
        Sockets.closeAll(sockets);
    }
}
