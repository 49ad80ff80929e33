package dev.trilog.gateway.admin;

import static dev.trilog.gateway.admin.AdminConsole.esc;
import static dev.trilog.gateway.admin.AdminConsole.filled;
import static dev.trilog.gateway.admin.AdminConsole.html;
import static dev.trilog.gateway.admin.AdminConsole.segment;
import static dev.trilog.gateway.admin.AdminConsole.value;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Map;

/**
 * The console's forms — produce a test record, reset a group's offsets — made into the JSON API's
 * requests, so a form and {@code /api/v1} change things the same way, with the same checks and
 * errors. The routes let a form through only while {@code admin.console.writes} allows changes and
 * the browser does not say another site's page sent it.
 */
final class ConsoleForms {

    private final AdminApi api;

    ConsoleForms(AdminApi api) {
        this.api = api;
    }

    /**
     * A form the pages post (only offered while {@code admin.console.writes} allows changes; the
     * routes refuse the post otherwise): made into the API's JSON request, and answered with a
     * redirect to the page that shows the change, or a page naming the API's error.
     */
    AdminConsole.Page post(String path, Map<String, Deque<String>> form) {
        String[] parts = path.substring("/console/".length()).split("/", -1);
        if (parts.length == 3 && parts[0].equals("topics") && parts[2].equals("records") && !parts[1].isEmpty()) {
            return produce(parts[1], filled(form));
        }
        if (parts.length == 3 && parts[0].equals("groups") && parts[2].equals("reset") && !parts[1].isEmpty()) {
            return reset(parts[1], filled(form));
        }
        return new AdminConsole.Page(404, html("Not found", "<p>No such form: " + esc(path) + "</p>"));
    }

    private AdminConsole.Page produce(String topic, Map<String, Deque<String>> form) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        if (form.containsKey("key")) {
            request.put("key", value(form, "key"));
        }
        request.put("value", value(form, "value"));
        ObjectNode headers = request.putObject("headers");
        for (String line : value(form, "headers").split("\\R")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        putWholeNumber(request, form, "partition");
        AdminApi.Response answer = api.post(AdminApi.PREFIX + "topics/" + topic + "/records",
                request.toString().getBytes(StandardCharsets.UTF_8));
        if (answer.status() != 201) {
            return failed(answer, "/console/topics/" + segment(topic));
        }
        return AdminConsole.Page.seeOther("/console/topics/" + segment(topic) + "?partition=" + answer.body().path("partition").asInt()
                + "&offset=" + answer.body().path("offset").asLong());
    }

    private AdminConsole.Page reset(String group, Map<String, Deque<String>> form) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("to", value(form, "to"));
        if (form.containsKey("timestamp")) {
            request.put("timestamp", value(form, "timestamp"));
        }
        putWholeNumber(request, form, "offset");
        if (form.containsKey("topic")) {
            request.put("topic", value(form, "topic"));
        }
        AdminApi.Response answer = api.post(AdminApi.PREFIX + "groups/" + group + "/reset",
                request.toString().getBytes(StandardCharsets.UTF_8));
        return answer.status() == 200 ? AdminConsole.Page.seeOther("/console/groups/" + segment(group))
                : failed(answer, "/console/groups/" + segment(group));
    }

    /** A number field as a JSON number; anything else as the text, so the API names what is wrong with it. */
    private static void putWholeNumber(ObjectNode request, Map<String, Deque<String>> form, String field) {
        if (form.containsKey(field)) {
            Long number = RecordBrowser.number(value(form, field));
            if (number == null) {
                request.put(field, value(form, field));
            } else {
                request.put(field, number);
            }
        }
    }

    private static AdminConsole.Page failed(AdminApi.Response answer, String back) {
        return new AdminConsole.Page(answer.status(), html("Not done", "<p class=\"error\">" + esc(answer.body().path("error").asText())
                + "</p><p><a href=\"" + esc(back) + "\">back</a></p>"));
    }
}
