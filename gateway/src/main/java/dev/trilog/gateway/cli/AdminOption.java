package dev.trilog.gateway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --admin host:port}: where a client command finds a running gateway's admin API
 * (docs/admin-api.md), and the calls to it with {@code java.net.http}. A picocli mixin.
 */
public final class AdminOption {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "The gateway's admin address (admin.port). Default: ${DEFAULT-VALUE}.")
    String admin;

    /** The base URL, {@code http://host:port}. */
    URI base() {
        String address = admin.contains("://") ? admin : "http://" + admin;
        try {
            return URI.create(address.endsWith("/") ? address.substring(0, address.length() - 1) : address);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("--admin " + admin + " is not host:port");
        }
    }

    /** A name as one path segment: percent-encoded, so a name with '/' or '?' cannot reach another endpoint. */
    static String pathSegment(String name) {
        return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * GETs {@code path} ({@code /api/v1/…}) and reads the JSON answer.
     *
     * @throws CommandFailedException when the gateway cannot be reached, or answers with an error
     *         (its {@code error} message)
     */
    JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** POSTs {@code body} (JSON, or nothing when null) to {@code path}; as {@link #get}. */
    JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    /** DELETEs {@code path}; as {@link #get}. */
    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, JsonNode body) {
        URI uri = base().resolve(path);
        HttpRequest.BodyPublisher content = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(method, content)
                .header("Content-Type", "application/json").build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CommandFailedException("cannot reach the admin API at " + base() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted", e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new CommandFailedException(uri + " answered " + response.statusCode() + " without JSON: is "
                    + base() + " a Trilog admin port?");
        }
        if (response.statusCode() / 100 != 2) {
            throw new CommandFailedException(answer.path("error").asText("HTTP " + response.statusCode() + " from " + uri));
        }
        return answer;
    }
}
