package dev.trilog.gateway.cli;

/** A client command could not do its job (the gateway is unreachable, a name is unknown): one line for the user, exit 1. */
public final class CommandFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CommandFailedException(String message) {
        super(message);
    }

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
