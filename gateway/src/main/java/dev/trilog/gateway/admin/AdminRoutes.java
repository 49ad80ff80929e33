package dev.trilog.gateway.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.util.function.Supplier;

/**
 * The admin endpoint's routes:
 *
 * <pre>
 *   GET /health   200 {"status":"UP"}            (the process is up and every listener started;
 *                 a clustered node adds "cluster":{"node":N,"leader":L or null})
 *   GET /metrics  200 Prometheus text format 0.0.4
 *   other paths   404;  other methods on these two paths: 405
 * </pre>
 *
 * HEAD is answered like GET without a body.
 */
final class AdminRoutes implements HttpHandler {

    static final String HEALTH_BODY = "{\"status\":\"UP\"}";
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> health;
    private final Supplier<String> metrics;

    /**
     * @param health  the health body (JSON)
     * @param metrics the Prometheus text, produced on a worker thread because it takes a few milliseconds
     */
    AdminRoutes(Supplier<String> health, Supplier<String> metrics) {
        this.health = health;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        switch (exchange.getRequestPath()) {
            case "/health" -> {
                if (allowed(exchange)) {
                    respond(exchange, StatusCodes.OK, "application/json", health.get());
                }
            }
            case "/metrics" -> {
                if (exchange.isInIoThread()) {
                    // scraping walks every meter; keep it off the I/O thread
                    exchange.dispatch(this);
                } else if (allowed(exchange)) {
                    respond(exchange, StatusCodes.OK, PROMETHEUS_CONTENT_TYPE, metrics.get());
                }
            }
            default -> respond(exchange, StatusCodes.NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
        }
    }

    private static boolean allowed(HttpServerExchange exchange) {
        HttpString method = exchange.getRequestMethod();
        if (Methods.GET.equals(method) || Methods.HEAD.equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
        respond(exchange, StatusCodes.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "method not allowed\n");
        return false;
    }

    private static void respond(HttpServerExchange exchange, int status, String contentType, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(body);
    }
}
