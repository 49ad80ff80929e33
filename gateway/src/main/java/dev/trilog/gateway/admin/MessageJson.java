package dev.trilog.gateway.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageMapping;
import dev.trilog.routing.message.ValueType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A message as the admin API shows it (a browsed record, a peeked queue message), read through
 * the one message mapping (docs/message-mapping.md):
 *
 * <pre>
 *   key, value          as text, with keyFormat / valueFormat: "json" (UTF-8 that parses as a JSON
 *                       object or array), "text" (other UTF-8 without control characters), "hex"
 *                       (anything else), "null" (no key, a tombstone); keyBytes / valueBytes give the
 *                       size, and a value over {@value #MAX_SHOWN_BYTES} bytes is cut (valueTruncated)
 *   headers             the application's headers: [{"name", "type", "value"}], typed as the mapping
 *                       reads them (AMQP application-properties, SQS attributes, Kafka headers)
 *   properties          the protocol properties the reserved trilog.* headers stand for, under the
 *                       property's name: {"message-id": …, "content-type": …, "priority": …}
 *   reserved            other trilog.* headers (dead-letter reasons, AMQP 1.0 body kinds), by header name
 * </pre>
 */
final class MessageJson {

    /** The most of a key or value one answer shows: a browse of 500 records stays a few MB at most. */
    static final int MAX_SHOWN_BYTES = 64 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private MessageJson() {
    }

    /** Puts the message's key, value, headers and properties into {@code node}. */
    static ObjectNode put(ObjectNode node, Message message) {
        bytes(node, "key", message.key() == null ? null : message.keyBytes());
        bytes(node, "value", message.hasBody() ? message.bodyBytes() : null);
        ArrayNode headers = node.putArray("headers");
        message.headers().forEach((name, value) -> headers.addObject().put("name", name)
                .put("type", value.customType().map(c -> value.type().token() + "." + c).orElse(value.type().token()))
                .put("value", text(value)));
        ObjectNode properties = node.putObject("properties");
        MessageMapping.propertyHeaders(message).forEach((header, value) ->
                properties.put(header.substring(Message.RESERVED_PREFIX.length()), text(value)));
        ObjectNode reserved = node.putObject("reserved");
        message.unknownProperties().forEach((header, value) -> reserved.put(header, text(value)));
        return node;
    }

    /** A header value as text: binary as hex, null as JSON null. */
    private static String text(HeaderValue value) {
        if (value.isNull()) {
            return null;
        }
        return value.type() == ValueType.BINARY ? HexFormat.of().formatHex(value.asBytes()) : value.text();
    }

    private static void bytes(ObjectNode node, String field, byte[] bytes) {
        if (bytes == null) {
            node.putNull(field).put(field + "Format", "null");
            return;
        }
        node.put(field + "Bytes", bytes.length);
        String text = utf8(bytes);
        if (text == null) {
            boolean cut = bytes.length > MAX_SHOWN_BYTES;
            node.put(field, HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, MAX_SHOWN_BYTES)))
                    .put(field + "Format", "hex");
            if (cut) {
                node.put(field + "Truncated", true);
            }
            return;
        }
        node.put(field, text.length() > MAX_SHOWN_BYTES ? text.substring(0, MAX_SHOWN_BYTES) : text)
                .put(field + "Format", isJson(text) ? "json" : "text");
        if (text.length() > MAX_SHOWN_BYTES) {
            node.put(field + "Truncated", true);
        }
    }

    /** The bytes as text when they are UTF-8 without control characters (tabs and line breaks allowed); else null. */
    private static String utf8(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return null;
            }
        }
        return text;
    }

    /** Whether the text is one JSON object or array and nothing more. */
    private static boolean isJson(String text) {
        String trimmed = text.strip();
        if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return false;
        }
        try (JsonParser parser = JSON.createParser(trimmed)) {
            parser.skipChildren();
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
