package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code trilog compare} reports the console lists and opens: each run writes a directory
 * {@code <UTC timestamp>/} under its {@code --output} (default {@code compare-results}, docs/compare.md)
 * holding {@code results.json}, {@code report.md}, {@code report.html}, {@code charts/*.png} and
 * {@code gateway.log}; {@code admin.compare.reports} says where the gateway looks. Only those files
 * are served, and only from inside that directory: a name with {@code ..}, a link out of it, or any
 * other file is not found.
 */
final class CompareReports {

    /** How many reports the list shows, newest first. */
    static final int LATEST = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The files a report directory has that the console serves, and their types. */
    private static final Map<String, String> TYPES = Map.of(".html", "text/html; charset=utf-8",
            ".md", "text/markdown; charset=utf-8", ".json", "application/json", ".png", "image/png",
            ".log", "text/plain; charset=utf-8");

    /** A file of a report: its bytes and content type. */
    record ReportFile(byte[] bytes, String contentType) {
    }

    private final Path directory;

    CompareReports(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The latest reports, newest first, each with what its results.json says of the run. */
    ObjectNode list() {
        ObjectNode body = JSON.createObjectNode().put("directory", directory.toString());
        ArrayNode reports = body.putArray("reports");
        for (Path run : latest()) {
            ObjectNode report = reports.addObject().put("name", run.getFileName().toString());
            JsonNode results = results(run);
            if (results != null) {
                report.put("startedAt", results.path("startedAt").asText(null))
                        .put("finishedAt", results.path("finishedAt").asText(null))
                        .put("quick", results.path("quick").asBoolean())
                        .put("interrupted", results.path("interrupted").asBoolean())
                        .put("runs", results.path("runs").size());
                report.set("protocols", results.path("protocols").isArray() ? results.path("protocols")
                        : JSON.createArrayNode());
            }
            ArrayNode files = report.putArray("files");
            Stream.of("report.html", "report.md", "results.json", "gateway.log")
                    .filter(f -> Files.isRegularFile(run.resolve(f))).forEach(files::add);
        }
        return body;
    }

    private List<Path> latest() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> runs = Files.list(directory)) {
            return runs.filter(run -> Files.isRegularFile(run.resolve("results.json"))
                            || Files.isRegularFile(run.resolve("report.html")))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .limit(LATEST).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static JsonNode results(Path run) {
        try {
            return JSON.readTree(run.resolve("results.json").toFile());
        } catch (IOException e) {
            return null; // a run that was cut short before it wrote its results
        }
    }

    /**
     * A file of report {@code name}: {@code report.html}, {@code report.md}, {@code results.json},
     * {@code gateway.log} or {@code charts/NAME.png}; empty for anything else or outside the directory.
     */
    Optional<ReportFile> file(String name, String relative) {
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
            return Optional.empty();
        }
        boolean known = List.of("report.html", "report.md", "results.json", "gateway.log").contains(relative)
                || relative.matches("charts/[A-Za-z0-9_.-]+\\.png") && !relative.contains("..");
        if (!known) {
            return Optional.empty();
        }
        Path file = directory.resolve(name).resolve(relative).normalize();
        try {
            if (!file.startsWith(directory) || !Files.isRegularFile(file)
                    || !file.toRealPath().startsWith(directory.toRealPath())) {
                return Optional.empty();
            }
            String type = TYPES.get(relative.substring(relative.lastIndexOf('.')));
            return Optional.of(new ReportFile(Files.readAllBytes(file), type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
