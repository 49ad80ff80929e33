package dev.trilog.compare.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a workload from YAML or JSON (JSON is read as JSON when the file ends in {@code .json},
 * otherwise as YAML, of which JSON is a subset). Every mistake is a {@link WorkloadException} whose
 * message names the file and the field, e.g. {@code fixed.yaml: field 'kafka.acks': expected 0, 1 or
 * all, got '2'}.
 *
 * <p>Sizes take a number of bytes or a unit: {@code 1024}, {@code 1KiB}, {@code 64 KiB},
 * {@code 1MiB} (KB and MB are read as KiB and MiB). Durations take seconds or a unit: {@code 30},
 * {@code 30s}, {@code 500ms}, {@code 2m}. {@code rate} is a number of messages/s or {@code max}.
 */
public final class WorkloadParser {

    private static final Set<String> TOP_LEVEL = Set.of("name", "description", "messageSize", "producers",
            "consumers", "readers", "partitions", "rate", "duration", "warmup", "backlog", "quickBacklog",
            "kafka", "sqs", "amqp091", "amqp10");
    private static final Set<String> KAFKA = Set.of("acks", "lingerMs", "batchSize", "commitInterval");
    private static final Set<String> SQS = Set.of("sendBatch", "receiveBatch", "waitTimeSeconds", "visibilityTimeout");
    private static final Set<String> AMQP091 = Set.of("confirms", "autoAck", "prefetch");
    private static final Set<String> AMQP10 = Set.of("settled", "credit");

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final ObjectMapper json = new ObjectMapper();

    /** Reads the workload file at {@code file}. */
    public Workload parse(Path file) {
        String source = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw new WorkloadException(file + ": no such workload file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(source, in);
        } catch (IOException e) {
            throw new WorkloadException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a workload from {@code in}; {@code source} names it in messages and picks JSON or YAML. */
    public Workload parse(String source, InputStream in) throws IOException {
        JsonNode root;
        try {
            root = (source.endsWith(".json") ? json : yaml).readTree(in);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new WorkloadException(source + ": not valid " + (source.endsWith(".json") ? "JSON" : "YAML")
                    + where + ": " + e.getOriginalMessage(), e);
        }
        return new Reader(source).workload(root);
    }

    /** Holds the source name so every message can start with it. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        Workload workload(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw error("the file is empty; a workload needs at least 'name'");
            }
            if (!root.isObject()) {
                throw error("expected a mapping of fields (name, messageSize, ...) at the top level");
            }
            checkKnown(root, "", TOP_LEVEL);
            String name = text(root, "name", null);
            if (name == null) {
                throw error("field 'name' is missing");
            }
            if (!NAME.matcher(name).matches()) {
                throw field("name", "expected lower-case letters, digits and '-' (at most 48), got '" + name + "'");
            }
            String description = text(root, "description", "");
            int messageSize = size(root, "messageSize", 1024);
            if (messageSize < Workload.MIN_MESSAGE_SIZE || messageSize > 1024 * 1024) {
                throw field("messageSize", "must be between " + Workload.MIN_MESSAGE_SIZE
                        + " bytes and 1 MiB (the SQS limit), got " + messageSize);
            }
            int producers = positiveInt(root, "producers", 1, 64);
            int consumers = positiveInt(root, "consumers", 1, 64);
            int readers = positiveInt(root, "readers", 1, 16);
            int partitions = positiveInt(root, "partitions", 1, 1024);
            double rate = rate(root);
            Duration duration = duration(root, "duration", Duration.ofSeconds(20));
            if (duration.isZero()) {
                throw field("duration", "must be more than 0");
            }
            Duration warmup = duration(root, "warmup", Duration.ofSeconds(5));
            long backlog = nonNegativeLong(root, "backlog", 0);
            long quickBacklog = nonNegativeLong(root, "quickBacklog", Math.min(backlog, 20_000));
            if (backlog > 0 && quickBacklog == 0) {
                throw field("quickBacklog", "must be more than 0 when backlog is set");
            }

            return new Workload(name, description, messageSize, producers, consumers, readers, partitions, rate,
                    duration, warmup, backlog, quickBacklog,
                    kafka(root.get("kafka")), sqs(root.get("sqs")), amqp091(root.get("amqp091")),
                    amqp10(root.get("amqp10")));
        }

        private Workload.KafkaSettings kafka(JsonNode node) {
            Workload.KafkaSettings d = Workload.KafkaSettings.defaults();
            if (node == null) {
                return d;
            }
            mapping(node, "kafka");
            checkKnown(node, "kafka.", KAFKA);
            String acks = node.has("acks") ? node.get("acks").asText().toLowerCase(Locale.ROOT) : d.acks();
            if (acks.equals("-1")) {
                acks = "all";
            }
            if (!List.of("0", "1", "all").contains(acks)) {
                throw field("kafka.acks", "expected 0, 1 or all, got '" + node.get("acks").asText() + "'");
            }
            int linger = intIn(node, "kafka.", "lingerMs", d.lingerMs(), 0, 60_000);
            int batch = sizeIn(node, "kafka.", "batchSize", d.batchSizeBytes());
            Duration commit = durationIn(node, "kafka.", "commitInterval", d.commitInterval());
            return new Workload.KafkaSettings(acks, linger, batch, commit);
        }

        private Workload.SqsSettings sqs(JsonNode node) {
            Workload.SqsSettings d = Workload.SqsSettings.defaults();
            if (node == null) {
                return d;
            }
            mapping(node, "sqs");
            checkKnown(node, "sqs.", SQS);
            return new Workload.SqsSettings(
                    intIn(node, "sqs.", "sendBatch", d.sendBatch(), 1, 10),
                    intIn(node, "sqs.", "receiveBatch", d.receiveBatch(), 1, 10),
                    intIn(node, "sqs.", "waitTimeSeconds", d.waitTimeSeconds(), 0, 20),
                    (int) durationIn(node, "sqs.", "visibilityTimeout",
                            Duration.ofSeconds(d.visibilityTimeoutSeconds())).toSeconds());
        }

        private Workload.Amqp091Settings amqp091(JsonNode node) {
            Workload.Amqp091Settings d = Workload.Amqp091Settings.defaults();
            if (node == null) {
                return d;
            }
            mapping(node, "amqp091");
            checkKnown(node, "amqp091.", AMQP091);
            return new Workload.Amqp091Settings(bool(node, "amqp091.", "confirms", d.confirms()),
                    bool(node, "amqp091.", "autoAck", d.autoAck()),
                    intIn(node, "amqp091.", "prefetch", d.prefetch(), 0, 65_535));
        }

        private Workload.Amqp10Settings amqp10(JsonNode node) {
            Workload.Amqp10Settings d = Workload.Amqp10Settings.defaults();
            if (node == null) {
                return d;
            }
            mapping(node, "amqp10");
            checkKnown(node, "amqp10.", AMQP10);
            return new Workload.Amqp10Settings(bool(node, "amqp10.", "settled", d.settled()),
                    intIn(node, "amqp10.", "credit", d.credit(), 1, 1_000_000));
        }

        private void mapping(JsonNode node, String name) {
            if (!node.isObject()) {
                throw field(name, "expected a mapping of settings, got '" + node.asText() + "'");
            }
        }

        private void checkKnown(JsonNode node, String prefix, Set<String> known) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw error("unknown field '" + prefix + name + "' (known: "
                            + String.join(", ", known.stream().sorted().toList()) + ")");
                }
            }
        }

        private String text(JsonNode node, String name, String fallback) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isValueNode()) {
                throw field(name, "expected text");
            }
            return value.asText();
        }

        private int positiveInt(JsonNode node, String name, int fallback, int max) {
            return intIn(node, "", name, fallback, 1, max);
        }

        private int intIn(JsonNode node, String prefix, String name, int fallback, int min, int max) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                throw field(prefix + name, "expected a whole number, got '" + value.asText() + "'");
            }
            int n = value.intValue();
            if (n < min || n > max) {
                throw field(prefix + name, "must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        }

        private long nonNegativeLong(JsonNode node, String name, long fallback) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isIntegralNumber() || value.longValue() < 0) {
                throw field(name, "expected a whole number of messages (0 or more), got '" + value.asText() + "'");
            }
            return value.longValue();
        }

        private boolean bool(JsonNode node, String prefix, String name, boolean fallback) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isBoolean()) {
                throw field(prefix + name, "expected true or false, got '" + value.asText() + "'");
            }
            return value.booleanValue();
        }

        private double rate(JsonNode node) {
            JsonNode value = node.get("rate");
            if (value == null || value.isNull()) {
                return 0;
            }
            if (value.isNumber()) {
                if (value.doubleValue() <= 0) {
                    throw field("rate", "must be more than 0 messages/s, or 'max'");
                }
                return value.doubleValue();
            }
            if (value.asText().trim().equalsIgnoreCase("max")) {
                return 0;
            }
            throw field("rate", "expected messages/s (e.g. 10000) or 'max', got '" + value.asText() + "'");
        }

        private int size(JsonNode node, String name, int fallback) {
            return sizeIn(node, "", name, fallback);
        }

        private int sizeIn(JsonNode node, String prefix, String name, int fallback) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (value.isIntegralNumber()) {
                return value.intValue();
            }
            Matcher m = SIZE.matcher(value.asText().trim());
            if (!m.matches()) {
                throw field(prefix + name, "expected a size such as 1024, 1KiB or 64 KiB, got '" + value.asText() + "'");
            }
            long n = Long.parseLong(m.group(1));
            long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "", "b" -> 1;
                case "k", "kb", "kib" -> 1024;
                case "m", "mb", "mib" -> 1024 * 1024;
                default -> throw field(prefix + name, "unknown unit '" + m.group(2) + "' (use B, KiB or MiB)");
            };
            long bytes = n * unit;
            if (bytes > Integer.MAX_VALUE) {
                throw field(prefix + name, "is too large: " + value.asText());
            }
            return (int) bytes;
        }

        private Duration duration(JsonNode node, String name, Duration fallback) {
            return durationIn(node, "", name, fallback);
        }

        private Duration durationIn(JsonNode node, String prefix, String name, Duration fallback) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return fallback;
            }
            Matcher m = DURATION.matcher(value.asText().trim());
            if (!m.matches()) {
                throw field(prefix + name, "expected a duration such as 30s, 500ms or 2m, got '" + value.asText() + "'");
            }
            double n = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> n;
                case "", "s" -> n * 1000;
                case "m", "min" -> n * 60_000;
                case "h" -> n * 3_600_000;
                default -> throw field(prefix + name, "unknown unit '" + m.group(2) + "' (use ms, s, m or h)");
            };
            return Duration.ofMillis(Math.round(millis));
        }

        private WorkloadException field(String name, String problem) {
            return error("field '" + name + "': " + problem);
        }

        private WorkloadException error(String problem) {
            return new WorkloadException(source + ": " + problem);
        }
    }
}
