package dev.trilog.gateway.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin endpoint's routes:
 *
 * <pre>
 *   GET /health        200 {"status":"UP"}       (the process is up and every listener started;
 *                      a clustered node adds "cluster":{"node":N,"leader":L or null})
 *   GET /health/live   200 {"status":"UP"}       (liveness: the process answers)
 *   GET /health/ready  200 {"status":"READY"}    (readiness: it can serve clients now), or
 *                      503 {"status":"NOT_READY","waiting":["…", …]} naming what it waits for
 *   GET /metrics       200 Prometheus text format 0.0.4
 *   GET / and /console/…   the web console's HTML pages ({@link AdminConsole});
 *                      POST /console/…  its forms, while admin.console.writes allows changes
 *   GET, POST, DELETE /api/v1/…   the JSON API ({@link AdminApi}); errors as {"error":"…"}
 *   other paths   404;  other methods on these paths: 405
 * </pre>
 *
 * HEAD is answered like GET without a body.
 */
final class AdminRoutes implements HttpHandler {

    static final String HEALTH_BODY = "{\"status\":\"UP\"}";
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> health;
    private final Supplier<List<String>> notReady;
    private final Supplier<String> metrics;
    /** The JSON API under /api/, or null where there is none (tests of the health routes). */
    private final AdminApi api;
    /** The web console's pages, over the same API; null where there is no API. */
    private final AdminConsole console;
    /** Whether the API's POST and DELETE may change anything ({@code admin.console.writes}). */
    private final boolean writes;
    /** The largest request body read: a topic's creation is a few hundred bytes. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** Where the console serves a compare report's files: /console/compare/RUN/report.html, …/charts/X.png. */
    private static final String COMPARE_FILES = "/console/compare/";

    /**
     * @param health   the health body (JSON)
     * @param notReady what the broker waits for before it can serve clients, empty when ready
     * @param metrics  the Prometheus text, produced on a worker thread because it takes a few milliseconds
     * @param writes   whether the API's POST and DELETE may change anything
     */
    AdminRoutes(Supplier<String> health, Supplier<List<String>> notReady, Supplier<String> metrics, AdminApi api,
            boolean writes) {
        this.health = health;
        this.notReady = notReady;
        this.metrics = metrics;
        this.api = api;
        this.console = api == null ? null : new AdminConsole(api, writes);
        this.writes = writes;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        switch (exchange.getRequestPath()) {
            case "/health" -> {
                if (allowed(exchange)) {
                    respond(exchange, StatusCodes.OK, "application/json", health.get());
                }
            }
            case "/health/live" -> {
                if (allowed(exchange)) {
                    respond(exchange, StatusCodes.OK, "application/json", HEALTH_BODY);
                }
            }
            case "/health/ready" -> {
                if (allowed(exchange)) {
                    List<String> waiting = notReady.get();
                    if (waiting.isEmpty()) {
                        respond(exchange, StatusCodes.OK, "application/json", "{\"status\":\"READY\"}");
                    } else {
                        respond(exchange, StatusCodes.SERVICE_UNAVAILABLE, "application/json",
                                "{\"status\":\"NOT_READY\",\"waiting\":" + jsonStrings(waiting) + "}");
                    }
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
            default -> {
                if (api != null && exchange.getRequestPath().startsWith("/api/")) {
                    api(exchange);
                } else if (console != null && AdminConsole.serves(exchange.getRequestPath())) {
                    console(exchange);
                } else {
                    respond(exchange, StatusCodes.NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
                }
            }
        }
    }

    /**
     * The JSON API, answered off the I/O thread as it walks topics and queues. POST and DELETE
     * change things only when {@code admin.console.writes} allows it; otherwise 403.
     */
    private void api(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        HttpString method = exchange.getRequestMethod();
        String path = exchange.getRequestPath();
        AdminApi.Response response;
        try {
            if (Methods.GET.equals(method) || Methods.HEAD.equals(method)) {
                response = api.get(path, exchange.getQueryParameters());
            } else if (!Methods.POST.equals(method) && !Methods.DELETE.equals(method)) {
                exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD, POST, DELETE");
                response = AdminApi.error(StatusCodes.METHOD_NOT_ALLOWED, "method " + method + " not allowed");
            } else if (!writes) {
                response = AdminApi.error(StatusCodes.FORBIDDEN, "changes through the admin API are off"
                        + " (admin.console.writes=false)");
            } else if (crossSite(exchange)) {
                response = AdminApi.error(StatusCodes.FORBIDDEN, "a change asked for by a page of another site");
            } else if (Methods.DELETE.equals(method)) {
                response = api.delete(path);
            } else {
                exchange.startBlocking();
                byte[] body = exchange.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
                response = body.length > MAX_BODY_BYTES
                        ? AdminApi.error(StatusCodes.REQUEST_ENTITY_TOO_LARGE, "a request body is at most "
                                + MAX_BODY_BYTES + " bytes")
                        : api.post(path, body);
            }
            if (response.status() == StatusCodes.NOT_FOUND && !Methods.GET.equals(method)
                    && !Methods.HEAD.equals(method) && api.get(path).status() != StatusCodes.NOT_FOUND) {
                // a resource that exists but has no such write, as /api/v1/definitions or a queue
                exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
                response = AdminApi.error(StatusCodes.METHOD_NOT_ALLOWED, path + " is read-only: "
                        + method + " is not allowed");
            }
        } catch (java.io.IOException | RuntimeException e) {
            response = AdminApi.error(StatusCodes.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
        }
        respond(exchange, response.status(), "application/json", response.text());
    }

    /** A console page, rendered off the I/O thread from the API's answers. */
    private void console(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        // the forms post to /console/…; the overview has none
        boolean post = Methods.POST.equals(exchange.getRequestMethod()) && exchange.getRequestPath().startsWith("/console/");
        if (!post && !allowed(exchange)) {
            return;
        }
        if (!post && exchange.getRequestPath().startsWith(COMPARE_FILES)) {
            String[] parts = exchange.getRequestPath().substring(COMPARE_FILES.length()).split("/", 2);
            var file = parts.length == 2 ? api.compareReports().file(parts[0], parts[1])
                    : java.util.Optional.<CompareReports.ReportFile>empty();
            if (file.isEmpty()) {
                respond(exchange, StatusCodes.NOT_FOUND, "text/plain; charset=utf-8", "no such report file\n");
            } else {
                exchange.setStatusCode(StatusCodes.OK);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, file.get().contentType());
                exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(file.get().bytes()));
            }
            return;
        }
        AdminConsole.Page page;
        try {
            if (!post) {
                page = console.page(exchange.getRequestPath(), exchange.getQueryParameters());
            } else if (!writes || crossSite(exchange)) {
                page = new AdminConsole.Page(StatusCodes.FORBIDDEN, "<!DOCTYPE html><p>" + (writes
                        ? "a form posted from another site" : "changes through the console are off (admin.console.writes)")
                        + "</p>");
            } else {
                exchange.startBlocking();
                byte[] body = exchange.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
                page = body.length > MAX_BODY_BYTES
                        ? new AdminConsole.Page(StatusCodes.REQUEST_ENTITY_TOO_LARGE, "<!DOCTYPE html><p>too large</p>")
                        : console.post(exchange.getRequestPath(), FormFields.parse(body));
            }
        } catch (java.io.IOException | RuntimeException e) {
            page = new AdminConsole.Page(StatusCodes.INTERNAL_SERVER_ERROR, "<!DOCTYPE html><p>"
                    + AdminConsole.esc(String.valueOf(e.getMessage())) + "</p>");
        }
        if (page.location() != null) {
            exchange.getResponseHeaders().put(Headers.LOCATION, page.location());
        }
        respond(exchange, page.status(), AdminConsole.CONTENT_TYPE, page.html());
    }

    /**
     * A change asked for by a page of another site (cross-site request forgery: a page anywhere can
     * post a form to 127.0.0.1:8080): the browser says so in {@code Sec-Fetch-Site}, or in an
     * {@code Origin} that is not this endpoint. Command-line clients send neither.
     */
    static boolean crossSite(HttpServerExchange exchange) {
        String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return true;
        }
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        return origin != null && (host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host)));
    }

    /** The reasons are the gateway's own fixed phrases; quotes and backslashes escaped all the same. */
    private static String jsonStrings(List<String> values) {
        return values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
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
