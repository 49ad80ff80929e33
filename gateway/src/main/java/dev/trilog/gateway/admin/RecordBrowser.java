package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.gateway.definitions.DefinitionsExporter;
import dev.trilog.log.AppendResult;
import dev.trilog.log.LogEngine;
import dev.trilog.log.OffsetOutOfRangeException;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import dev.trilog.log.TimestampedOffset;
import dev.trilog.log.record.LogRecord;
import dev.trilog.log.record.RecordData;
import dev.trilog.routing.message.MessageMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * A topic's records through the admin API: browsing a partition, read through the engine's own
 * read path ({@link PartitionLog#readRecords}, as the share cursors read), and producing a test
 * record through the engine's append path, as a Kafka produce lands.
 *
 * <pre>
 *   GET  /api/v1/topics/NAME/partitions/P/records?offset=N|timestamp=T&amp;limit=L
 *   POST /api/v1/topics/NAME/records   {"key": …, "value": …, "headers": {…}, "partition": P}
 * </pre>
 *
 * Without offset or timestamp a browse shows the partition's last {@code limit} records. Records
 * up to the high watermark are shown, the records of open or aborted transactions included (a
 * {@code read_uncommitted} view, as Kafka consoles give).
 */
final class RecordBrowser {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 500;
    private static final int READ_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LogEngine engine;

    RecordBrowser(LogEngine engine) {
        this.engine = engine;
    }

    /** The answer to a browse of {@code partitionText} of {@code topic} with the request's query. */
    AdminApi.Response browse(String topic, String partitionText, Map<String, Deque<String>> query) {
        Optional<PartitionLog> found = partition(topic, partitionText);
        if (found.isEmpty()) {
            return engine.topic(topic).isEmpty() || DefinitionsExporter.isInternal(topic)
                    ? AdminApi.error(404, "unknown topic '" + topic + "'")
                    : AdminApi.error(404, "unknown partition " + partitionText + " of topic '" + topic + "'");
        }
        PartitionLog log = found.get();
        String offsetText = first(query, "offset");
        String timestampText = first(query, "timestamp");
        String limitText = first(query, "limit");
        if (offsetText != null && timestampText != null) {
            return AdminApi.error(400, "give an offset or a timestamp, not both");
        }
        int limit = DEFAULT_LIMIT;
        if (limitText != null) {
            Long parsed = number(limitText);
            if (parsed == null || parsed < 1 || parsed > MAX_LIMIT) {
                return AdminApi.error(400, "limit must be a whole number from 1 to " + MAX_LIMIT + ", not '"
                        + limitText + "'");
            }
            limit = parsed.intValue();
        }
        long start = log.logStartOffset();
        long end = log.highWatermark();
        long from;
        if (offsetText != null) {
            Long offset = number(offsetText);
            if (offset == null || offset < start || offset > end) {
                return AdminApi.error(400, "offset must be a whole number from " + start + " to " + end
                        + " (the partition's start and end offsets), not '" + offsetText + "'");
            }
            from = offset;
        } else if (timestampText != null) {
            Long time = time(timestampText);
            if (time == null) {
                return AdminApi.error(400, "timestamp must be milliseconds since the epoch or an ISO-8601 time"
                        + " (2024-05-01T12:00:00Z; without a zone, UTC), not '" + timestampText + "'");
            }
            try {
                from = log.offsetForTimestamp(time).map(TimestampedOffset::offset).orElse(end);
            } catch (IOException e) {
                return AdminApi.error(500, "looking up the time failed: " + e.getMessage());
            }
        } else {
            from = Math.max(start, end - limit);
        }
        ObjectNode body = JSON.createObjectNode().put("topic", topic).put("partition", log.topicPartition().partition())
                .put("startOffset", start).put("endOffset", end);
        ArrayNode records = body.putArray("records");
        long next = from;
        try {
            for (LogRecord record : read(log, from, end, limit)) {
                ObjectNode row = records.addObject().put("offset", record.offset()).put("timestamp", record.timestamp());
                MessageJson.put(row, MessageMapping.fromRecord(record));
                next = record.offset() + 1;
            }
        } catch (IOException e) {
            return AdminApi.error(500, "reading the partition failed: " + e.getMessage());
        }
        body.put("nextOffset", next);
        return new AdminApi.Response(200, body);
    }

    /** Up to {@code limit} records from {@code from}, below {@code end}. */
    private static List<LogRecord> read(PartitionLog log, long from, long end, int limit) throws IOException {
        List<LogRecord> out = new ArrayList<>();
        long position = from;
        while (out.size() < limit && position < end) {
            List<LogRecord> read;
            try {
                read = log.readRecords(position, READ_BYTES);
            } catch (OffsetOutOfRangeException e) {
                break; // retention removed it meanwhile
            }
            if (read.isEmpty()) {
                break;
            }
            for (LogRecord record : read) {
                if (record.offset() >= position && record.offset() < end && out.size() < limit) {
                    out.add(record);
                }
            }
            position = Math.max(position, read.get(read.size() - 1).offset() + 1);
        }
        return out;
    }

    /**
     * Appends one record to {@code topic}: to {@code partition} when given, else by key as Kafka's
     * default partitioner does (murmur2), else to partition 0. Answers 201 with where it landed.
     */
    AdminApi.Response produce(String topic, byte[] body) {
        Optional<Topic> found = engine.topic(topic).filter(t -> !DefinitionsExporter.isInternal(t.name()));
        if (found.isEmpty()) {
            return AdminApi.error(404, "unknown topic '" + topic + "'");
        }
        AdminApi.JsonBody read = AdminApi.readJson(body);
        if (read.refusal() != null) {
            return read.refusal();
        }
        JsonNode request = read.tree();
        if (request == null || !request.isObject()) {
            return AdminApi.error(400, "expected {\"key\": …, \"value\": …, \"headers\": {…}, \"partition\": N}");
        }
        byte[] key;
        byte[] value;
        try {
            key = textOrNull(request, "key");
            value = textOrNull(request, "value");
        } catch (IllegalArgumentException e) {
            return AdminApi.error(400, e.getMessage());
        }
        List<LogRecord.Header> headers = new ArrayList<>();
        JsonNode given = request.path("headers");
        if (!given.isMissingNode() && !given.isObject()) {
            return AdminApi.error(400, "headers must be an object of names to text values");
        }
        for (var header : (Iterable<Map.Entry<String, JsonNode>>) given::fields) {
            if (!header.getValue().isTextual() && !header.getValue().isNull()) {
                return AdminApi.error(400, "header '" + header.getKey() + "' must be text or null");
            }
            headers.add(new LogRecord.Header(header.getKey(), header.getValue().isNull() ? null
                    : header.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        }
        int partitions = found.get().partitions();
        JsonNode partitionNode = request.path("partition");
        int partition;
        if (!partitionNode.isMissingNode() && !partitionNode.isNull()) {
            if (!partitionNode.isIntegralNumber() || partitionNode.asLong() < 0 || partitionNode.asLong() >= partitions) {
                return AdminApi.error(400, "partition must be a whole number from 0 to " + (partitions - 1) + ", not "
                        + partitionNode);
            }
            partition = partitionNode.asInt();
        } else {
            partition = key == null ? 0 : Utils.toPositive(Utils.murmur2(key)) % partitions;
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            AppendResult result = engine.appender().appendRecords(tp,
                    List.of(new RecordData(System.currentTimeMillis(), key, value, headers))).get(30, TimeUnit.SECONDS);
            result.durable().get(30, TimeUnit.SECONDS);
            return new AdminApi.Response(201, JSON.createObjectNode().put("topic", topic).put("partition", partition)
                    .put("offset", result.firstOffset()));
        } catch (ExecutionException e) {
            return AdminApi.error(500, "producing to " + tp + " failed: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            return AdminApi.error(503, "producing to " + tp + " did not finish within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminApi.error(503, "interrupted");
        }
    }

    private Optional<PartitionLog> partition(String topic, String partitionText) {
        Long partition = number(partitionText);
        if (DefinitionsExporter.isInternal(topic) || partition == null || partition > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return engine.topic(topic).filter(t -> partition < t.partitions())
                .map(t -> engine.partition(new TopicPartition(topic, partition.intValue())));
    }

    private static byte[] textOrNull(JsonNode request, String field) {
        JsonNode node = request.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(field + " must be text or null");
        }
        return node.asText().getBytes(StandardCharsets.UTF_8);
    }

    static String first(Map<String, Deque<String>> query, String name) {
        Deque<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.peekFirst();
    }

    /** A non-negative whole number, or null. */
    static Long number(String text) {
        if (text == null || text.isEmpty() || text.length() > 19 || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Milliseconds since the epoch, an ISO-8601 instant, or a local date-time read as UTC (an HTML datetime-local). */
    static Long time(String text) {
        Long millis = number(text);
        if (millis != null) {
            return millis;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            // try without a zone
        }
        try {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
