package dev.trilog.gateway;

/**
 * Builds one protocol frontend once the log is open. The gateway calls each factory in turn,
 * starts what it returns, and owns its shutdown from then on.
 */
@FunctionalInterface
public interface FrontendFactory {

    /** A frontend not yet started; creating it must not bind anything. */
    Frontend create(FrontendContext context);
}
