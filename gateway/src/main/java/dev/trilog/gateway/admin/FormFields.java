package dev.trilog.gateway.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/** The fields of an HTML form's body ({@code application/x-www-form-urlencoded}), as the console's forms post them. */
final class FormFields {

    private FormFields() {
    }

    static Map<String, Deque<String>> parse(byte[] body) {
        Map<String, Deque<String>> fields = new TreeMap<>();
        String text = new String(body, StandardCharsets.US_ASCII);
        if (text.isEmpty()) {
            return fields;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            fields.computeIfAbsent(name, n -> new ArrayDeque<>()).add(value);
        }
        return fields;
    }
}
