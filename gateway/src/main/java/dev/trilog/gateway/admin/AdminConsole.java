package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The web console on the admin port: HTML pages a person opens in a browser, rendered on the
 * server from the JSON API's own answers ({@link AdminApi}), so the page and {@code /api/v1} can
 * never disagree. Everything is inside the jar: no script, style or font is fetched from anywhere.
 *
 * <pre>
 *   GET /                          overview: the process, its listeners, topics, queues and groups,
 *                                  and live charts of messages in and out per second per protocol ({@link TrafficView})
 *   GET /console/topics/NAME       a topic's configs and partitions
 *   GET /console/queues/NAME       a queue's counts, arguments and bindings
 *   GET /console/groups/NAME       a group's committed offsets and lag per partition
 *   GET /console/compare           the latest trilog compare reports; /console/compare/RUN/FILE opens one
 * </pre>
 *
 * Forms that change things (produce a test record, reset a group's offsets) are offered only while
 * {@code admin.console.writes} allows changes; they post to the console, which makes the API's
 * request of them, so the page and {@code /api/v1} change things the same way (docs/admin-api.md).
 */
final class AdminConsole {

    static final String CONTENT_TYPE = "text/html; charset=utf-8";

    /** A page: its HTTP status and HTML, or (status 303) where the browser goes next. */
    record Page(int status, String html, String location) {

        Page(int status, String html) {
            this(status, html, null);
        }

        static Page seeOther(String location) {
            return new Page(303, "", location);
        }
    }

    private final AdminApi api;
    /** Whether the pages offer their forms that change things ({@code admin.console.writes}). */
    private final boolean writes;
    private final ConsoleForms forms;

    AdminConsole(AdminApi api, boolean writes) {
        this.api = api;
        this.writes = writes;
        this.forms = new ConsoleForms(api);
    }

    /** True for the paths the console answers. */
    static boolean serves(String path) {
        return path.equals("/") || path.startsWith("/console/");
    }

    /** The page at {@code path} without a query. */
    Page page(String path) {
        return page(path, Map.of());
    }

    /** The page at {@code path}: its status and HTML; {@code query} says which records a topic page shows. */
    Page page(String path, Map<String, Deque<String>> query) {
        if (path.equals("/")) {
            return overview();
        }
        if (path.equals("/console/compare")) {
            return compareReports();
        }
        String[] parts = path.substring("/console/".length()).split("/", -1);
        if (parts.length == 2 && !parts[1].isEmpty()) {
            AdminApi.Response answer = api.get(AdminApi.PREFIX + parts[0] + "/" + parts[1]);
            if (answer.status() != 200) {
                return new Page(answer.status(), html("Not found", "<p>" + esc(answer.body().path("error").asText())
                        + "</p>"));
            }
            switch (parts[0]) {
                case "topics" -> {
                    return topicPage(answer.body(), query);
                }
                case "queues" -> {
                    return new Page(200, queue(answer.body()));
                }
                case "groups" -> {
                    return new Page(200, group(answer.body()));
                }
                default -> {
                    // answered below
                }
            }
        }
        return new Page(404, html("Not found", "<p>No such page: " + esc(path) + "</p>"));
    }

    /** A form a page posted: see {@link ConsoleForms}. */
    Page post(String path, Map<String, Deque<String>> form) {
        return forms.post(path, form);
    }

    /** The latest {@code trilog compare} reports, newest first, each opened from its own files. */
    private Page compareReports() {
        JsonNode list = api.get(AdminApi.PREFIX + "compare").body();
        StringBuilder body = new StringBuilder("<p>from <code>").append(esc(list.path("directory").asText()))
                .append("</code> (<code>admin.compare.reports</code>; <code>trilog compare --output</code>)</p>");
        if (list.path("reports").isEmpty()) {
            body.append("<p class=\"none\">no reports yet: run <code>./trilog compare --quick</code></p>");
            return new Page(200, html("Compare reports", body.toString()));
        }
        body.append("<table id=\"reports\"><tr><th>run</th><th>started</th><th>protocols</th><th>runs</th><th>files</th></tr>");
        for (JsonNode r : list.path("reports")) {
            String name = r.path("name").asText();
            body.append("<tr><td>").append(esc(name)).append(r.path("quick").asBoolean() ? " (quick)" : "")
                    .append(r.path("interrupted").asBoolean() ? " (interrupted)" : "").append("</td><td>")
                    .append(esc(r.path("startedAt").asText("–"))).append("</td><td>");
            r.path("protocols").forEach(p -> body.append(esc(p.asText())).append(' '));
            body.append("</td><td>").append(esc(r.path("runs").asText("–"))).append("</td><td>");
            r.path("files").forEach(f -> body.append("<a href=\"/console/compare/").append(esc(segment(name))).append('/')
                    .append(esc(f.asText())).append("\">").append(esc(f.asText())).append("</a> "));
            body.append("</td></tr>");
        }
        return new Page(200, html("Compare reports", body.append("</table>").toString()));
    }

    private Page overview() {
        JsonNode status = api.get(AdminApi.PREFIX + "status").body();
        StringBuilder body = new StringBuilder();
        body.append("<p>Version ").append(esc(status.path("version").asText())).append(" · up ")
                .append(status.path("uptimeMs").asLong() / 1000).append(" s · data in <code>")
                .append(esc(status.path("dataDir").asText())).append("</code></p>");
        body.append("<h2>Listeners</h2><table><tr><th>listener</th><th>address</th></tr>");
        fields(status.path("listeners")).forEachRemaining(l -> body.append("<tr><td>").append(esc(l.getKey()))
                .append("</td><td>").append(esc(l.getValue().asText())).append("</td></tr>"));
        body.append("</table>");
        body.append(TrafficView.html(api.get(AdminApi.PREFIX + "traffic").body()));

        body.append("<h2>Topics</h2><table><tr><th>topic</th><th>partitions</th><th>records</th><th>bytes</th>")
                .append("<th>queue</th></tr>");
        for (JsonNode t : api.get(AdminApi.PREFIX + "topics").body().path("topics")) {
            body.append("<tr><td>").append(link("topics", t.path("name").asText())).append("</td>")
                    .append(cells(t, "partitions", "records", "sizeBytes"))
                    .append("<td>").append(t.path("queue").asBoolean() ? "yes" : "no").append("</td></tr>");
        }
        body.append("</table>");

        body.append("<h2>Queues</h2><table><tr><th>queue</th><th>protocol</th><th>available</th><th>in flight</th>")
                .append("<th>delayed</th><th>dead-lettered</th><th>oldest ms</th></tr>");
        for (JsonNode q : api.get(AdminApi.PREFIX + "queues").body().path("queues")) {
            body.append("<tr><td>").append(link("queues", q.path("name").asText())).append("</td>")
                    .append(cells(q, "protocol", "available", "inFlight", "delayed", "deadLettered", "oldestAgeMs"))
                    .append("</tr>");
        }
        body.append("</table>");

        body.append("<h2>Consumer groups</h2><table id=\"groups\"><tr><th>group</th><th>type</th><th>state</th>")
                .append("<th>members</th><th>partitions</th><th>lag</th></tr>");
        for (JsonNode g : api.get(AdminApi.PREFIX + "groups").body().path("groups")) {
            body.append("<tr><td>").append(link("groups", g.path("name").asText())).append("</td>")
                    .append(cells(g, "type", "state", "members", "partitions", "lag")).append("</tr>");
        }
        body.append("</table>");
        return new Page(200, html("Trilog", body.toString()));
    }

    /**
     * A topic: configs, partitions, then a partition's records from an offset or a time (the form's
     * query, passed to the records endpoint as it is), and a form to produce a test record.
     */
    private Page topicPage(JsonNode t, Map<String, Deque<String>> query) {
        String name = t.path("name").asText();
        StringBuilder body = new StringBuilder("<p>id <code>").append(esc(t.path("id").asText())).append("</code></p>");
        body.append("<h2>Configs</h2>");
        if (t.path("configs").isEmpty()) {
            body.append("<p>the broker's defaults</p>");
        } else {
            body.append("<table><tr><th>config</th><th>value</th></tr>");
            fields(t.path("configs")).forEachRemaining(c -> body.append("<tr><td>").append(esc(c.getKey()))
                    .append("</td><td>").append(esc(c.getValue().asText())).append("</td></tr>"));
            body.append("</table>");
        }
        body.append("<h2>Partitions</h2><table><tr><th>partition</th><th>start offset</th><th>end offset</th>")
                .append("<th>bytes</th><th>segments</th></tr>");
        for (JsonNode p : t.path("partitions")) {
            body.append("<tr>").append(cells(p, "partition", "startOffset", "endOffset", "sizeBytes", "segments"))
                    .append("</tr>");
        }
        body.append("</table>");

        Map<String, Deque<String>> given = filled(query);
        String partition = given.containsKey("partition") ? given.get("partition").peekFirst() : "0";
        Map<String, Deque<String>> recordQuery = new TreeMap<>(given);
        recordQuery.remove("partition");
        AdminApi.Response records = api.get(AdminApi.PREFIX + "topics/" + name + "/partitions/" + partition + "/records",
                recordQuery);
        body.append("<h2>Records</h2><form method=\"get\" id=\"browse\">partition <select name=\"partition\">");
        for (JsonNode p : t.path("partitions")) {
            String number = p.path("partition").asText();
            body.append("<option").append(number.equals(partition) ? " selected" : "").append(">").append(esc(number))
                    .append("</option>");
        }
        body.append("</select> from offset <input name=\"offset\" type=\"number\" min=\"0\" value=\"")
                .append(esc(value(given, "offset"))).append("\"> or time (UTC) <input name=\"timestamp\"")
                .append(" type=\"datetime-local\" step=\"1\" value=\"").append(esc(value(given, "timestamp")))
                .append("\"> limit <input name=\"limit\" type=\"number\" min=\"1\" max=\"").append(RecordBrowser.MAX_LIMIT)
                .append("\" value=\"").append(esc(value(given, "limit").isEmpty() ? String.valueOf(RecordBrowser.DEFAULT_LIMIT)
                        : value(given, "limit"))).append("\"> <button>Show</button> <span>(neither: the last records)</span></form>");
        if (records.status() != 200) {
            body.append("<p class=\"error\">").append(esc(records.body().path("error").asText())).append("</p>");
        } else {
            body.append(MessageRows.table(records.body().path("records"), null, null));
            long next = records.body().path("nextOffset").asLong();
            if (next < records.body().path("endOffset").asLong()) {
                body.append("<p><a id=\"next\" href=\"/console/topics/").append(esc(segment(name))).append("?partition=")
                        .append(esc(partition)).append("&amp;offset=").append(next).append("\">next records →</a></p>");
            }
        }
        if (writes) {
            body.append("<h2>Produce a test record</h2><form method=\"post\" id=\"produce\" action=\"/console/topics/")
                    .append(esc(segment(name))).append("/records\">key <input name=\"key\"> partition <input name=\"partition\"")
                    .append(" type=\"number\" min=\"0\" placeholder=\"by key\"><br>value<br><textarea name=\"value\" rows=\"4\"")
                    .append(" cols=\"60\"></textarea><br>headers, one <code>name: value</code> a line<br>")
                    .append("<textarea name=\"headers\" rows=\"3\" cols=\"60\"></textarea><br><button>Produce</button></form>");
        }
        return new Page(records.status() == 200 ? 200 : records.status(), html("Topic " + name, body.toString()));
    }

    /** The query without its empty fields: a form's blank inputs mean "not given". */
    static Map<String, Deque<String>> filled(Map<String, Deque<String>> query) {
        Map<String, Deque<String>> filled = new TreeMap<>();
        query.forEach((k, v) -> {
            if (v != null && !v.isEmpty() && !v.peekFirst().isEmpty()) {
                filled.put(k, v);
            }
        });
        return filled;
    }

    static String value(Map<String, Deque<String>> query, String name) {
        Deque<String> values = query.get(name);
        return values == null ? "" : values.peekFirst();
    }

    /**
     * A queue: counts, arguments, where its dead letters go and which queues dead-letter into it,
     * the bindings and exchanges that lead to it, and its available messages, peeked without
     * acquiring them.
     */
    private String queue(JsonNode q) {
        String name = q.path("name").asText();
        StringBuilder body = new StringBuilder("<table><tr><th>protocol</th><th>available</th><th>in flight</th>")
                .append("<th>delayed</th><th>dead-lettered</th><th>oldest ms</th></tr><tr>")
                .append(cells(q, "protocol", "available", "inFlight", "delayed", "deadLettered", "oldestAgeMs"))
                .append("</tr></table>");
        body.append("<p>durable ").append(esc(q.path("durable").asText())).append(" · exclusive ")
                .append(esc(q.path("exclusive").asText())).append(" · fifo ").append(esc(q.path("fifo").asText()))
                .append("</p><h2>Arguments</h2>");
        if (q.path("arguments").isEmpty()) {
            body.append("<p>none</p>");
        } else {
            body.append("<table><tr><th>argument</th><th>value</th></tr>");
            fields(q.path("arguments")).forEachRemaining(a -> body.append("<tr><td>").append(esc(a.getKey()))
                    .append("</td><td>").append(esc(a.getValue().toString())).append("</td></tr>"));
            body.append("</table>");
        }
        body.append("<h2>Dead letters</h2><p id=\"dead-letter\">");
        JsonNode deadLetter = q.path("deadLetter");
        if (deadLetter.isMissingNode()) {
            body.append("given up messages are dropped (no dead-letter exchange)");
        } else {
            String exchange = deadLetter.path("exchange").asText();
            body.append("to exchange ").append(exchange.isEmpty() ? "(default)" : esc(exchange));
            if (deadLetter.has("routingKey")) {
                body.append(" with key '").append(esc(deadLetter.path("routingKey").asText())).append("'");
            }
            body.append(", reaching ");
            if (deadLetter.path("queues").isEmpty()) {
                body.append("no queue it can name");
            }
            deadLetter.path("queues").forEach(t -> body.append(link("queues", t.asText())).append(' '));
        }
        body.append("</p><p id=\"dead-letter-sources\">dead letters from: ");
        if (q.path("deadLetterSources").isEmpty()) {
            body.append("no queue");
        }
        q.path("deadLetterSources").forEach(t -> body.append(link("queues", t.asText())).append(' '));
        body.append("</p><h2>Bindings</h2>");
        if (q.path("bindings").isEmpty()) {
            body.append("<p>none</p>");
        } else {
            body.append("<table><tr><th>from exchange</th><th>routing key</th></tr>");
            for (JsonNode b : q.path("bindings")) {
                body.append("<tr>").append(cells(b, "source", "routingKey")).append("</tr>");
            }
            body.append("</table><table><tr><th>exchange</th><th>type</th><th>durable</th><th>arguments</th></tr>");
            for (JsonNode x : q.path("exchanges")) {
                body.append("<tr>").append(cells(x, "name", "type", "durable")).append("<td>")
                        .append(esc(x.path("arguments").toString())).append("</td></tr>");
            }
            body.append("</table>");
        }
        body.append("<h2>Available messages</h2><p>peeked without acquiring them: consumers still receive them, with")
                .append(" their receive counts unchanged</p>");
        AdminApi.Response peeked = api.get(AdminApi.PREFIX + "queues/" + name + "/messages");
        body.append(peeked.status() == 200 ? MessageRows.table(peeked.body().path("messages"), "receiveCount", "receives")
                : "<p class=\"error\">" + esc(peeked.body().path("error").asText()) + "</p>");
        return html("Queue " + name, body.toString());
    }

    private String group(JsonNode g) {
        String name = g.path("name").asText();
        StringBuilder body = new StringBuilder("<p id=\"group-state\">").append(esc(g.path("type").asText("classic")))
                .append(" group · state ").append(esc(g.path("state").asText("–"))).append(" · members ")
                .append(esc(g.path("members").asText("–"))).append(" · total lag ").append(g.path("lag").asLong()).append("</p>")
                .append("<table id=\"offsets\"><tr><th>topic</th><th>partition</th><th>committed</th><th>end</th><th>lag</th></tr>");
        for (JsonNode p : g.path("partitions")) {
            body.append("<tr><td>").append(link("topics", p.path("topic").asText())).append("</td>")
                    .append(cells(p, "partition", "committedOffset", "endOffset", "lag")).append("</tr>");
        }
        body.append("</table>");
        if (writes && !g.path("type").asText("classic").equals("share")) {
            body.append("<h2>Reset offsets</h2><p>only while the group has no members, as")
                    .append(" <code>kafka-consumer-groups --reset-offsets</code></p><form method=\"post\" id=\"reset\"")
                    .append(" action=\"/console/groups/").append(esc(segment(name))).append("/reset\">to <select name=\"to\">")
                    .append("<option>earliest</option><option>latest</option><option>timestamp</option><option>offset</option>")
                    .append("</select> time (UTC) <input name=\"timestamp\" type=\"datetime-local\" step=\"1\"> offset")
                    .append(" <input name=\"offset\" type=\"number\" min=\"0\"> topic <input name=\"topic\"")
                    .append(" placeholder=\"all with offsets\"> <button>Reset offsets</button></form>");
        }
        return html("Group " + name, body.toString());
    }

    private static String cells(JsonNode row, String... fields) {
        StringBuilder cells = new StringBuilder();
        for (String field : fields) {
            JsonNode value = row.path(field);
            cells.append("<td>").append(value.isMissingNode() || value.isNull() ? "–" : esc(value.asText())).append("</td>");
        }
        return cells.toString();
    }

    private static String link(String kind, String name) {
        return "<a href=\"/console/" + kind + "/" + esc(segment(name)) + "\">" + esc(name) + "</a>";
    }

    /** A name as one path segment of a link: percent-encoded, so '/', '?' or '#' in it stay part of it. */
    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode object) {
        return object.fields();
    }

    /** Text as HTML: every name and value on a page comes from clients (topic names, arguments). */
    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String html(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + " · Trilog</title>"
                + "<style>body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;"
                + "margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f4f4f4}"
                + "code{background:#f4f4f4;padding:0 .2em}svg{border:1px solid #ccc;vertical-align:middle}nav a{margin-right:1em}"
                + "td{vertical-align:top}pre{margin:0;white-space:pre-wrap;max-width:40em}.error{color:#b00}"
                + "form{margin:.5em 0}</style></head><body>"
                + "<nav><a href=\"/\">Overview</a><a href=\"/console/compare\">Compare reports</a><a href=\"/api/v1/status\">API</a><a href=\"/metrics\">Metrics</a></nav>"
                + "<h1>" + esc(title) + "</h1>" + body + "</body></html>";
    }
}
