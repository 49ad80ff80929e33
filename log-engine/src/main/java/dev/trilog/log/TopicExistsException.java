package dev.trilog.log;

/** CreateTopics for a name that is taken. */
public final class TopicExistsException extends Exception {
    public TopicExistsException(String name) {
        super("topic '" + name + "' already exists", null, false, false);
    }
}
