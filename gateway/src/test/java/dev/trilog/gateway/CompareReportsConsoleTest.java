package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trilog.frontend.Frontends;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console lists the latest {@code trilog compare} reports from {@code admin.compare.reports} and
 * opens their files, and nothing else from the disk. The report directories are laid out as
 * compare writes them (docs/compare.md: results.json, report.md, report.html, charts/*.png).
 */
class CompareReportsConsoleTest {

    @TempDir
    Path dir;

    private static void report(Path reports, String run, String protocols, boolean quick) throws Exception {
        Path runDir = Files.createDirectories(reports.resolve(run));
        Files.createDirectories(runDir.resolve("charts"));
        Files.writeString(runDir.resolve("results.json"), "{\"tool\": \"trilog compare\", \"startedAt\": \"" + run
                + "\", \"finishedAt\": \"" + run + "\", \"quick\": " + quick + ", \"interrupted\": false, \"protocols\": "
                + protocols + ", \"runs\": [{}, {}]}");
        Files.writeString(runDir.resolve("report.html"), "<!DOCTYPE html><h1>Trilog compare " + run + "</h1>"
                + "<img src=\"charts/throughput.png\">");
        Files.writeString(runDir.resolve("report.md"), "# Trilog compare " + run);
        Files.write(runDir.resolve("charts").resolve("throughput.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    @Test
    void theLatestReportsAreListedNewestFirstAndOpened() throws Exception {
        Path reports = dir.resolve("reports");
        report(reports, "2026-12-05T10-00-00Z", "[\"kafka\", \"sqs\"]", false);
        report(reports, "2026-12-06T01-00-00Z", "[\"kafka\"]", true);
        Files.writeString(Files.createDirectories(dir.resolve("secret")).resolve("report.html"), "not a report");
        try (RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dir.resolve("data"), "admin.compare.reports",
                reports.toString()), Frontends.installed())) {
            int port = gateway.listener("admin").boundAddress().getPort();

            JsonNode list = AdminJson.send(port, "GET", "/api/v1/compare", null, 200);
            assertThat(list.get("reports")).extracting(r -> r.get("name").asText())
                    .containsExactly("2026-12-06T01-00-00Z", "2026-12-05T10-00-00Z");
            assertThat(list.get("reports").get(0).get("quick").asBoolean()).isTrue();
            assertThat(list.get("reports").get(1).get("protocols").toString()).isEqualTo("[\"kafka\",\"sqs\"]");
            assertThat(list.get("reports").get(1).get("runs").asInt()).isEqualTo(2);

            String page = Http.get(port, "/console/compare").body();
            assertThat(page).contains("2026-12-06T01-00-00Z (quick)",
                    "<a href=\"/console/compare/2026-12-05T10-00-00Z/report.html\">report.html</a>");
            HttpResponse<String> html = Http.get(port, "/console/compare/2026-12-05T10-00-00Z/report.html");
            assertThat(html.statusCode()).isEqualTo(200);
            assertThat(html.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
            assertThat(html.body()).contains("Trilog compare 2026-12-05T10-00-00Z");
            HttpResponse<String> chart = Http.get(port, "/console/compare/2026-12-05T10-00-00Z/charts/throughput.png");
            assertThat(chart.statusCode()).isEqualTo(200);
            assertThat(chart.headers().firstValue("Content-Type")).contains("image/png");

            for (String outside : new String[] {"/console/compare/..%2Fsecret/report.html",
                    "/console/compare/2026-12-05T10-00-00Z/../../secret/report.html",
                    "/console/compare/2026-12-05T10-00-00Z/charts/../results.json.png",
                    "/console/compare/2026-12-05T10-00-00Z/other.txt", "/console/compare/nope/report.html"}) {
                assertThat(Http.get(port, outside).statusCode()).as(outside).isEqualTo(404);
            }
        }
    }

    @Test
    void withoutReportsThePageSaysHowToMakeOne() throws Exception {
        try (RunningGateway gateway = Gateway.start(TestConfigs.ephemeral(dir.resolve("data"), "admin.compare.reports",
                dir.resolve("none").toString()), Frontends.installed())) {
            int port = gateway.listener("admin").boundAddress().getPort();
            assertThat(AdminJson.send(port, "GET", "/api/v1/compare", null, 200).get("reports")).isEmpty();
            assertThat(Http.get(port, "/console/compare").body()).contains("no reports yet");
        }
    }
}
