package dev.trilog.gateway;

import dev.trilog.gateway.config.ListenAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * Checks that every fixed port can be bound before anything else starts: a port taken by another
 * process is then one sentence, worded the same for every listener, and the failed start has not
 * created the data directory or opened the log. The listeners still report a port taken between
 * this check and their own bind (the same sentence, through {@link StartupException#cannotListen}).
 */
final class FreePorts {

    private FreePorts() {
    }

    /** @throws StartupException naming the port's key when one of {@code addresses} cannot be bound */
    static void require(List<ListenAddress> addresses) {
        for (ListenAddress address : addresses) {
            if (address.port() == 0) {
                continue; // any free port: nothing to check
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true); // as the listeners bind: a port in TIME_WAIT is free
                probe.bind(new InetSocketAddress(address.host(), address.port()));
            } catch (IOException e) {
                throw StartupException.cannotListen(address, e);
            }
        }
    }
}
