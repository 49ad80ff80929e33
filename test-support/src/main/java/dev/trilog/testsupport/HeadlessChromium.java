package dev.trilog.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Chromium from Debian's packages, run headless on one page at a time, for tests of the web
 * console: the DOM after the page's scripts ran ({@code --dump-dom}), and a screenshot for a person
 * to look at. Each call is one browser process with its own profile under the given directory; it
 * is waited for and ends with the call.
 */
public final class HeadlessChromium {

    private static final long WAIT_SECONDS = 120;

    private final Path binary;
    private final Path workDir;

    private HeadlessChromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** The installed Chromium, empty when there is none (the test then assumes it away). */
    public static Optional<HeadlessChromium> find(Path workDir) {
        return Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome").map(Path::of)
                .filter(Files::isExecutable).findFirst().map(binary -> new HeadlessChromium(binary, workDir));
    }

    private List<String> common() {
        return new ArrayList<>(List.of(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + workDir.resolve("profile"),
                "--virtual-time-budget=10000"));
    }

    /** The page's DOM once loaded and its scripts had ten seconds of virtual time. */
    public String dom(String url) throws IOException, InterruptedException {
        List<String> command = common();
        command.addAll(List.of("--dump-dom", url));
        Path errors = workDir.resolve("chromium.err");
        Process browser = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!browser.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish " + url + " within " + WAIT_SECONDS + " s");
        }
        if (dom.isBlank()) {
            throw new IllegalStateException("Chromium gave no DOM for " + url + ": " + Files.readString(errors));
        }
        return dom;
    }

    /** Saves a screenshot of the page, 1200 pixels wide, to {@code png}. */
    public void screenshot(String url, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        List<String> command = common();
        command.addAll(List.of("--window-size=1200,1400", "--screenshot=" + png.toAbsolutePath(), url));
        Process browser = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("screenshot.out").toFile()).start();
        if (!browser.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            throw new IllegalStateException("Chromium did not take " + url + " within " + WAIT_SECONDS + " s");
        }
    }
}
