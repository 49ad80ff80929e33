package dev.trilog.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The overview's traffic section: per protocol, the open connections and the messages in and out
 * since start as a table (rendered from {@code /api/v1/traffic}, so the page shows figures before
 * any script runs), and two live charts of messages in and out per second, one line per protocol,
 * drawn by a script that polls the same endpoint every two seconds. The script and its styles are
 * in the page: nothing is fetched from outside the jar.
 */
final class TrafficView {

    /** Protocol key in the API → what the page calls it and the colour of its line. */
    private record Shown(String label, String colour) {
    }

    private static final Map<String, Shown> SHOWN = Map.of(
            "kafka", new Shown("Kafka", "#2a6"),
            "amqp-0-9-1", new Shown("AMQP 0-9-1", "#d60"),
            "amqp-1.0", new Shown("AMQP 1.0", "#36c"),
            "sqs", new Shown("SQS", "#a3a"));

    private TrafficView() {
    }

    /** The section's HTML, from one answer of {@code /api/v1/traffic}. */
    static String html(JsonNode traffic) {
        StringBuilder out = new StringBuilder("<h2>Traffic per protocol</h2><table id=\"traffic\"><tr><th>protocol</th>")
                .append("<th>connections</th><th>messages in</th><th>messages out</th><th>in/s</th><th>out/s</th></tr>");
        for (Iterator<Map.Entry<String, JsonNode>> it = traffic.path("protocols").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            Shown shown = shown(p.getKey());
            JsonNode figures = p.getValue();
            out.append("<tr data-protocol=\"").append(AdminConsole.esc(p.getKey())).append("\"><td><span style=\"color:")
                    .append(shown.colour()).append("\">■</span> ").append(AdminConsole.esc(shown.label()))
                    .append("</td><td class=\"connections\">").append(figures.path("connections").asLong())
                    .append("</td><td class=\"in\">").append(count(figures.path("messagesIn")))
                    .append("</td><td class=\"out\">").append(count(figures.path("messagesOut")))
                    .append("</td><td class=\"in-rate\">–</td><td class=\"out-rate\">–</td></tr>");
        }
        out.append("</table>");
        for (String side : List.of("in", "out")) {
            out.append("<h3>Messages ").append(side).append(" per second</h3><svg id=\"traffic-").append(side)
                    .append("\" width=\"600\" height=\"80\" role=\"img\" aria-label=\"messages ").append(side)
                    .append(" per second, per protocol\">");
            traffic.path("protocols").fieldNames().forEachRemaining(key -> out.append("<polyline data-protocol=\"")
                    .append(AdminConsole.esc(key)).append("\" fill=\"none\" stroke=\"").append(shown(key).colour())
                    .append("\" stroke-width=\"2\" points=\"\"/>"));
            out.append("</svg>");
        }
        return out.append(SCRIPT).toString();
    }

    /** A protocol the page has no label for yet is shown by its key, in grey. */
    private static Shown shown(String key) {
        return SHOWN.getOrDefault(key, new Shown(key, "#888"));
    }

    /** A count, or a dash where the protocol counts none (Kafka's messages out). */
    private static String count(JsonNode value) {
        return value.isNumber() ? Long.toString(value.asLong()) : "–";
    }

    /**
     * Polls {@code /api/v1/traffic} every two seconds; the rate of each counter is its growth over
     * the time between two answers (the broker's clock, {@code at}); the last two minutes are
     * plotted, both charts on one scale per chart. Sets {@code data-polls} on the first chart so a
     * test can see the script ran.
     */
    private static final String SCRIPT = """
            <script>
            (function () {
              var charts = {in: document.getElementById('traffic-in'), out: document.getElementById('traffic-out')};
              var history = {in: {}, out: {}}, last = null, polls = 0;
              function cell(protocol, name) {
                return document.querySelector('#traffic tr[data-protocol="' + protocol + '"] .' + name);
              }
              function draw(side) {
                var series = history[side], all = [1];
                Object.keys(series).forEach(function (p) { all = all.concat(series[p]); });
                var max = Math.max.apply(null, all);
                Object.keys(series).forEach(function (p) {
                  var line = charts[side].querySelector('polyline[data-protocol="' + p + '"]');
                  if (line) {
                    line.setAttribute('points', series[p].map(function (v, i) {
                      return (i * 10) + ',' + (78 - v * 76 / max).toFixed(1); }).join(' '));
                  }
                });
              }
              function poll() {
                fetch('/api/v1/traffic').then(function (r) { return r.json(); }).then(function (body) {
                  Object.keys(body.protocols).forEach(function (p) {
                    var now = body.protocols[p];
                    if (!cell(p, 'connections')) { return; }
                    cell(p, 'connections').textContent = now.connections;
                    ['in', 'out'].forEach(function (side) {
                      var key = side === 'in' ? 'messagesIn' : 'messagesOut';
                      cell(p, side).textContent = now[key] === null ? '–' : now[key];
                      if (last && last.protocols[p] && now[key] !== null && body.at > last.at) {
                        var rate = Math.max(0, (now[key] - last.protocols[p][key]) * 1000 / (body.at - last.at));
                        var points = history[side][p] || (history[side][p] = []);
                        points.push(rate); if (points.length > 60) { points.shift(); }
                        cell(p, side + '-rate').textContent = rate.toFixed(0);
                      }
                    });
                  });
                  if (last) { draw('in'); draw('out'); }
                  last = body;
                  charts.in.setAttribute('data-polls', ++polls);
                }).catch(function () {}).then(function () { setTimeout(poll, 2000); });
              }
              poll();
            })();
            </script>""";
}
