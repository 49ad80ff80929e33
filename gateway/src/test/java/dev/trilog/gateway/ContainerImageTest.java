package dev.trilog.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The container image's configuration (the gateway pom's {@code image} profile, built by Jib): what
 * it declares, what a built tarball holds, and — since no container runtime or base image is
 * reachable here — its entrypoint run as a local process with the image's environment against a
 * temporary directory standing for the {@code /data} volume (README, "In a container").
 */
class ContainerImageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TARBALL = Path.of("target", "jib-image.tar");

    @TempDir
    Path volume;

    /** The Jib plugin's container configuration in the {@code image} profile. */
    private static Element container() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        NodeList profiles = pom.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if (text(profile, "id").equals("image")) {
                return (Element) profile.getElementsByTagName("container").item(0);
            }
        }
        throw new AssertionError("no 'image' profile in gateway/pom.xml");
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    private static List<String> texts(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return IntStream.range(0, nodes.getLength()).mapToObj(i -> nodes.item(i).getTextContent().trim()).toList();
    }

    private static Map<String, String> environment(Element container) {
        Map<String, String> env = new LinkedHashMap<>();
        NodeList entries = ((Element) container.getElementsByTagName("environment").item(0)).getChildNodes();
        for (int i = 0; i < entries.getLength(); i++) {
            if (entries.item(i) instanceof Element e) {
                env.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        return env;
    }

    @Test
    void theImageListensEverywhereAdvertisesLocalhostAndKeepsDataInAVolumeAsAUser() throws Exception {
        Element container = container();

        assertThat(texts(container, "port")).containsExactly("9092", "5672", "9324", "8080");
        assertThat(text(container, "user")).isEqualTo("1000:1000");
        assertThat(texts(container, "volume")).containsExactly("/data");
        assertThat(text(container, "mainClass")).isEqualTo(TrilogMain.class.getName());
        assertThat(texts(container, "arg")).containsExactly("serve");
        assertThat(environment(container)).containsExactlyInAnyOrderEntriesOf(Map.of("TRILOG_LISTEN_HOST", "0.0.0.0",
                "TRILOG_DATA_DIR", "/data", "TRILOG_KAFKA_ADVERTISED_HOST", "localhost"));
        // the default ports are the ones exposed (the image sets no port of its own)
        assertThat(environment(container).keySet()).noneMatch(name -> name.endsWith("_PORT"));
    }

    /**
     * What the image's entrypoint runs ({@code java -cp @/app/jib-classpath-file TrilogMain serve}),
     * with the image's environment: the data directory is a temporary one (holding what the image
     * puts in /data), and the ports are free ones instead of 9092… so that it cannot collide with
     * anything else on this machine.
     */
    @Test
    void theEntrypointWithTheImagesEnvironmentServesOnEveryInterfaceAndAdvertisesLocalhost() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(environment(container()));
        Files.copy(Path.of("src", "main", "jib", "data", "README.txt"), volume.resolve("README.txt"));
        env.put("TRILOG_DATA_DIR", volume.toString());
        for (String port : List.of("KAFKA", "AMQP", "SQS", "ADMIN")) {
            env.put("TRILOG_" + port + "_PORT", "0");
        }
        try (TrilogProcess trilog = TrilogProcess.start(env, texts(container(), "arg").toArray(String[]::new))) {
            int admin = trilog.awaitAdminPort();
            // the wildcard address: 0.0.0.0, or [::] where the JVM binds both stacks at once
            String everywhere = "(0\\.0\\.0\\.0|\\[0:0:0:0:0:0:0:0\\]):\\d+";
            assertThat(trilog.stdout()).containsPattern("kafka listening on " + everywhere)
                    .containsPattern("sqs listening on " + everywhere).containsPattern("amqp listening on " + everywhere)
                    .containsPattern("admin listening on " + everywhere);
            JsonNode status = JSON.readTree(Http.get(admin, "/api/v1/status").body());
            assertThat(status.get("dataDir").asText()).isEqualTo(volume.toString());
            String kafka = status.get("listeners").get("kafka").asText();
            try (Admin client = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    "127.0.0.1:" + kafka.substring(kafka.lastIndexOf(':') + 1)))) {
                Node node = client.describeCluster().nodes().get().iterator().next();
                assertThat(node.host()).isEqualTo("localhost");
            }
            // 0.0.0.0 is not loopback: the admin API's changes are off unless -e TRILOG_ADMIN_CONSOLE_WRITES=true
            assertThat(Http.send(admin, "/api/v1/topics", "POST", "{\"name\": \"t\"}").statusCode()).isEqualTo(403);
            trilog.terminate();
            assertThat(trilog.awaitExit()).isZero();
        }
        try (var files = Files.list(volume)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("README.txt").hasSizeGreaterThan(1);
        }
    }

    /**
     * A tarball built with {@code ./mvnw -Pimage -pl gateway -am package} (any base image:
     * {@code -Dtrilog.image.base=scratch} builds offline) holds the configuration above. Skipped
     * when none was built: the normal build does not make one.
     */
    @Test
    void aBuiltTarballHoldsThatConfiguration() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(TARBALL), "no image built (./mvnw -Pimage -pl gateway -am package)");
        Map<String, byte[]> outer = entries(Files.newInputStream(TARBALL));
        JsonNode manifest = JSON.readTree(outer.get("manifest.json")).get(0);
        JsonNode config = JSON.readTree(outer.get(manifest.get("Config").asText())).get("config");

        assertThat(config.get("ExposedPorts").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("9092/tcp", "5672/tcp", "9324/tcp", "8080/tcp");
        assertThat(config.get("User").asText()).isEqualTo("1000:1000");
        assertThat(config.get("Volumes").fieldNames()).toIterable().containsExactly("/data");
        assertThat(config.get("Env").toString()).contains("TRILOG_LISTEN_HOST=0.0.0.0", "TRILOG_DATA_DIR=/data",
                "TRILOG_KAFKA_ADVERTISED_HOST=localhost");
        assertThat(config.get("Entrypoint").toString())
                .isEqualTo("[\"java\",\"-cp\",\"@/app/jib-classpath-file\",\"" + TrilogMain.class.getName() + "\"]");
        assertThat(config.get("Cmd").toString()).isEqualTo("[\"serve\"]");
        boolean dataWritable = false;
        for (JsonNode layer : manifest.get("Layers")) {
            Integer mode = modes(new GZIPInputStream(new java.io.ByteArrayInputStream(outer.get(layer.asText()))))
                    .get("data/");
            dataWritable |= mode != null && (mode & 0777) == 0777;
        }
        assertThat(dataWritable).as("/data is a directory user 1000 may write").isTrue();
    }

    /** A tar's regular files by name (ustar: 512-byte headers, sizes in octal). */
    private static Map<String, byte[]> entries(InputStream in) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        walk(in, (header, body) -> {
            if (header[156] == '0' || header[156] == 0) {
                files.put(name(header), body);
            }
        });
        return files;
    }

    /** Every entry's permission bits by name. */
    private static Map<String, Integer> modes(InputStream in) throws IOException {
        Map<String, Integer> modes = new LinkedHashMap<>();
        walk(in, (header, body) -> modes.put(name(header), (int) octal(header, 100, 8)));
        return modes;
    }

    private interface Entry {
        void accept(byte[] header, byte[] body);
    }

    private static void walk(InputStream in, Entry entry) throws IOException {
        try (in) {
            while (true) {
                byte[] header = in.readNBytes(512);
                if (header.length < 512 || header[0] == 0) {
                    return;
                }
                long size = octal(header, 124, 12);
                byte[] body = in.readNBytes((int) size);
                in.readNBytes((int) ((512 - size % 512) % 512));
                if (header[156] != 'x' && header[156] != 'g') { // pax headers describe the next entry
                    entry.accept(header, body);
                }
            }
        }
    }

    private static String name(byte[] header) {
        String name = new String(header, 0, 100, StandardCharsets.UTF_8);
        String prefix = new String(header, 345, 155, StandardCharsets.UTF_8);
        name = name.substring(0, name.indexOf(0) < 0 ? name.length() : name.indexOf(0));
        prefix = prefix.substring(0, prefix.indexOf(0) < 0 ? prefix.length() : prefix.indexOf(0));
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static long octal(byte[] header, int offset, int length) {
        String text = new String(header, offset, length, StandardCharsets.US_ASCII).replace("\0", "").trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }

}
