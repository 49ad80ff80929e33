package dev.trilog.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trilog.gateway.config.ListenAddress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminEndpointTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private AdminEndpoint endpoint;

    @AfterEach
    void closeEndpoint() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void healthIsJson() throws Exception {
        start(() -> "");

        HttpResponse<String> response = send("GET", "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void livenessAlwaysAnswersAndReadinessNamesWhatItWaitsFor() throws Exception {
        java.util.List<String> waiting = new java.util.concurrent.CopyOnWriteArrayList<>(
                java.util.List.of("a cluster leader"));
        endpoint = new AdminEndpoint(new ListenAddress("admin.port", "127.0.0.1", 0), () -> "{\"status\":\"UP\"}",
                () -> java.util.List.copyOf(waiting), () -> "");
        endpoint.start();

        assertThat(send("GET", "/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> notReady = send("GET", "/health/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("{\"status\":\"NOT_READY\",\"waiting\":[\"a cluster leader\"]}");

        waiting.clear();
        HttpResponse<String> ready = send("GET", "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"READY\"}");
        assertThat(send("POST", "/health/ready").statusCode()).isEqualTo(405);
    }

    /** With admin.tls.* the port speaks HTTPS only: a client trusting the CA gets in, a plain-HTTP one does not. */
    @Test
    void withTlsTheEndpointAnswersHttpsOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.trilog.testsupport.TestTls files = dev.trilog.testsupport.TestTls.writeTo(dir);
        dev.trilog.frontend.ServerTls tls = dev.trilog.frontend.ServerTls.fromConfig(
                dev.trilog.frontend.FrontendConfig.withDefaults(dev.trilog.frontend.ServerTls.keys("admin"),
                        new dev.trilog.frontend.ConfigValue("admin.tls.certificate", files.certificate().toString(), "test"),
                        new dev.trilog.frontend.ConfigValue("admin.tls.private-key", files.privateKey().toString(), "test")),
                "admin").orElseThrow();
        endpoint = new AdminEndpoint(new ListenAddress("admin.port", "127.0.0.1", 0), () -> "{\"status\":\"UP\"}",
                java.util.List::of, () -> "", null, false, tls);
        endpoint.start();
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(files.ca())) {
            trusted.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        java.net.http.HttpClient https = java.net.http.HttpClient.newBuilder().sslContext(context).build();
        int port = endpoint.boundAddress().getPort();
        HttpResponse<String> health = https.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("https://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThatThrownBy(() -> send("GET", "/health")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void metricsIsPrometheusText() throws Exception {
        start(() -> "# TYPE up gauge\nup 1.0\n");

        HttpResponse<String> response = send("GET", "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).isEqualTo("# TYPE up gauge\nup 1.0\n");
    }

    @Test
    void otherPathsAreNotFoundAndOtherMethodsNotAllowed() throws Exception {
        start(() -> "");

        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/healthz").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/health");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(send("HEAD", "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void closeLetsAnInFlightRequestFinish() throws Exception {
        CountDownLatch scrapeStarted = new CountDownLatch(1);
        CountDownLatch finishScrape = new CountDownLatch(1);
        start(() -> {
            scrapeStarted.countDown();
            waitFor(finishScrape);
            return "slow 1.0\n";
        });
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(request("GET", "/metrics"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrapeStarted.await(5, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(endpoint::close, "closer");
        closer.start();
        // close() is now draining: it waits for the request instead of cutting it, and new requests get 503
        await().atMost(Duration.ofSeconds(5)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
        assertThat(send("GET", "/health").statusCode()).isEqualTo(503);
        finishScrape.countDown();

        HttpResponse<String> response = inFlight.get(5, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("slow 1.0\n");
        closer.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(closer.isAlive()).isFalse();
    }

    private void start(Supplier<String> metrics) throws IOException {
        endpoint = new AdminEndpoint(new ListenAddress("admin.port", "127.0.0.1", 0), metrics);
        endpoint.start();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(request(method, path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path) {
        URI uri = URI.create("http://127.0.0.1:" + endpoint.boundAddress().getPort() + path);
        return HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
