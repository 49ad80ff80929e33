package dev.trilog.gateway;

import dev.trilog.frontend.Frontend;
import dev.trilog.gateway.config.ListenAddress;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A protocol frontend, already initialised, as one of the gateway's listeners. */
final class FrontendListener implements Listener {

    private final Frontend frontend;
    private final ListenAddress address;
    private volatile InetSocketAddress bound;

    FrontendListener(Frontend frontend, ListenAddress address) {
        this.frontend = frontend;
        this.address = address;
    }

    @Override
    public String name() {
        return frontend.name();
    }

    @Override
    public ListenAddress address() {
        return address;
    }

    @Override
    public void start() throws IOException {
        bound = frontend.start();
    }

    @Override
    public InetSocketAddress boundAddress() {
        if (bound == null) {
            throw new IllegalStateException("not started");
        }
        return bound;
    }

    @Override
    public void close() {
        frontend.close();
    }
}
