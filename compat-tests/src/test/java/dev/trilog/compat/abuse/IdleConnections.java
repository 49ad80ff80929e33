package dev.trilog.compat.abuse;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Many connections that say as little as their protocol allows and then nothing: Kafka and SQS
 * connections that send no byte, AMQP 1.0 connections that send their protocol header only.
 */
final class IdleConnections implements Abuse {

    private final int port;
    private final int count;
    private final byte[] greeting;
    private final List<Socket> sockets = new ArrayList<>();
    private int opened;

    /** @param greeting what each connection sends once (empty: nothing) */
    IdleConnections(int port, int count, byte[] greeting) {
        this.port = port;
        this.count = count;
        this.greeting = greeting.clone();
    }

    @Override
    public void start() throws Exception {
        for (int i = 0; i < count; i++) {
            Socket socket = Sockets.connect(port);
            sockets.add(socket);
            opened++;
            if (greeting.length > 0) {
                socket.getOutputStream().write(greeting);
            }
        }
    }

    int opened() {
        return opened;
    }

    @Override
    public String report() {
        return opened + " idle connections held";
    }

    @Override
    public void close() {
        Sockets.closeAll(sockets);
    }
}
