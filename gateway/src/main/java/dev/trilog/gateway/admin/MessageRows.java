package dev.trilog.gateway.admin;

import static dev.trilog.gateway.admin.AdminConsole.esc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;

/**
 * The console's table of messages — a topic's browsed records, a queue's peeked messages — from
 * the API's JSON of each ({@link MessageJson}): where it is, when it was written, key, value
 * (JSON indented), the application's headers with their types, and the protocol properties the
 * reserved headers stand for, under the properties' own names.
 */
final class MessageRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageRows() {
    }

    /**
     * @param extra a column of each message's own before the key: {@code receiveCount} for a queue, or null
     */
    static String table(JsonNode messages, String extra, String extraTitle) {
        if (messages.isEmpty()) {
            return "<p class=\"none\">none</p>";
        }
        StringBuilder html = new StringBuilder("<table class=\"messages\"><tr><th>offset</th><th>time</th>");
        if (extra != null) {
            html.append("<th>").append(esc(extraTitle)).append("</th>");
        }
        html.append("<th>key</th><th>value</th><th>headers</th><th>properties</th></tr>");
        for (JsonNode m : messages) {
            html.append("<tr><td class=\"offset\">");
            if (m.has("partition") && extra != null) {
                html.append(m.path("partition").asInt()).append(':');
            }
            html.append(m.path("offset").asLong()).append("</td><td>")
                    .append(esc(Instant.ofEpochMilli(m.path("timestamp").asLong()).toString())).append("</td>");
            if (extra != null) {
                html.append("<td>").append(esc(m.path(extra).asText())).append("</td>");
            }
            html.append("<td class=\"key\">").append(bytes(m, "key")).append("</td><td class=\"value\">")
                    .append(bytes(m, "value")).append("</td><td class=\"headers\">");
            for (JsonNode h : m.path("headers")) {
                html.append("<div><b>").append(esc(h.path("name").asText())).append("</b> <i>")
                        .append(esc(h.path("type").asText())).append("</i> ").append(esc(h.path("value").asText("null")))
                        .append("</div>");
            }
            html.append("</td><td class=\"properties\">");
            m.path("properties").fields().forEachRemaining(p -> html.append("<div><b>").append(esc(p.getKey()))
                    .append("</b> ").append(esc(p.getValue().asText())).append("</div>"));
            m.path("reserved").fields().forEachRemaining(p -> html.append("<div><b>").append(esc(p.getKey()))
                    .append("</b> ").append(esc(p.getValue().asText("null"))).append("</div>"));
            html.append("</td></tr>");
        }
        return html.append("</table>").toString();
    }

    /** A key or value: JSON indented, text as it is, hex marked as such, a null as "null". */
    private static String bytes(JsonNode m, String field) {
        String format = m.path(field + "Format").asText();
        String text = m.path(field).asText("");
        String shown = switch (format) {
            case "null" -> "<i>null</i>";
            case "hex" -> "<i>hex</i> <code>" + esc(text) + "</code>";
            case "json" -> "<pre data-format=\"json\">" + esc(indented(text)) + "</pre>";
            default -> "<pre>" + esc(text) + "</pre>";
        };
        return m.path(field + "Truncated").asBoolean() ? shown + "<i>… (" + m.path(field + "Bytes").asLong()
                + " bytes)</i>" : shown;
    }

    private static String indented(String json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
