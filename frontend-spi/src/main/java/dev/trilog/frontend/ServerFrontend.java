package dev.trilog.frontend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * The part every frontend shares: a name, its keys and port key, a validation that reads its
 * settings, and one server built at {@link #initialize}, started by {@link #start}, closed by
 * {@link #close}. A frontend says what is its own (its keys, how it builds its server) and
 * inherits the life cycle {@link Frontend} describes.
 *
 * @param <S> the frontend's server
 */
public abstract class ServerFrontend<S extends ServerFrontend.Server> implements Frontend {

    /** A protocol server as its frontend drives it: built unbound, then started once, then closed. */
    public interface Server extends AutoCloseable {

        /** Binds and accepts; returns the bound address. */
        InetSocketAddress start() throws IOException;

        @Override
        void close();
    }

    private final String name;
    private final List<ConfigKey> configKeys;
    private final String portKey;
    private final Consumer<FrontendConfig> validation;
    private S server;

    /**
     * @param validation reads the frontend's settings from a configuration, throwing
     *                   {@link InvalidConfigException} for a bad one (its typed settings reader)
     */
    protected ServerFrontend(String name, List<ConfigKey> configKeys, String portKey,
                             Consumer<FrontendConfig> validation) {
        this.name = name;
        this.configKeys = configKeys;
        this.portKey = portKey;
        this.validation = validation;
    }

    /** Builds the server over the open log; binds nothing. */
    protected abstract S newServer(FrontendContext context) throws IOException;

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<ConfigKey> configKeys() {
        return configKeys;
    }

    @Override
    public final String portKey() {
        return portKey;
    }

    @Override
    public final void validate(FrontendConfig config) {
        validation.accept(config);
    }

    @Override
    public final void initialize(FrontendContext context) throws IOException {
        server = newServer(context);
    }

    /** The server {@link #initialize} built; null before it and after {@link #close}. */
    protected final S server() {
        return server;
    }

    @Override
    public final InetSocketAddress start() throws IOException {
        if (server == null) {
            throw new IllegalStateException(name + " frontend not initialized");
        }
        return server.start();
    }

    /** Closes the server; a subclass that owns more closes it after calling this. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
