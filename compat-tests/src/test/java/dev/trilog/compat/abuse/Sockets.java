package dev.trilog.compat.abuse;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;

/** Raw loopback sockets for the abuses. */
final class Sockets {

    private Sockets() {
    }

    /** A socket connected to {@code port} on 127.0.0.1 (reads time out after 30 s: a generous bound on a loaded machine). */
    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /**
     * Whether the broker closes the socket: everything it sends is read and dropped until the end
     * of the stream or a reset; false when it stays silent and open for the socket's read time-out.
     */
    static boolean closedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // what the broker answers before closing (an error frame, a close) does not matter here
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing what the broker may already have closed
            }
        }
        sockets.clear();
    }
}
