package dev.trilog.routing.exchange;

import java.util.ArrayList;
import java.util.List;

/** Splits topic routing keys and binding patterns into words, as RabbitMQ does. */
final class TopicWords {

    private static final String[] NONE = new String[0];

    private TopicWords() {
    }

    /**
     * The words of {@code key}: none for the empty key; otherwise the parts between dots, empty
     * parts included ({@code "a."} is {@code a} and an empty word).
     */
    static String[] split(String key) {
        if (key.isEmpty()) {
            return NONE;
        }
        List<String> words = new ArrayList<>(4);
        int start = 0;
        int dot;
        while ((dot = key.indexOf('.', start)) >= 0) {
            words.add(key.substring(start, dot));
            start = dot + 1;
        }
        words.add(key.substring(start));
        return words.toArray(NONE);
    }
}
