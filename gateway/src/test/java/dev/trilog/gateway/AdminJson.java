package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.frontend.Frontends;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/** Calls to an in-process gateway's admin API for tests: the status and content type checked, the JSON read. */
final class AdminJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private AdminJson() {
    }

    /** A gateway started with {@link StartupDefinitionsTest#YAML}'s topics, queues, exchanges and bindings. */
    static RunningGateway gatewayWithDefinitions(Path dir) throws IOException {
        Path definitions = Files.writeString(dir.resolve("defs.yaml"), StartupDefinitionsTest.YAML);
        return Gateway.start(TestConfigs.ephemeral(dir.resolve("data"), "definitions.file", definitions.toString()),
                Frontends.installed());
    }

    static JsonNode send(int port, String method, String path, String body, int status) throws IOException {
        HttpResponse<String> response = Http.send(port, path, method, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return JSON.readTree(response.body());
    }
}
