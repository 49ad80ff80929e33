package dev.trilog.log;

/** CreateTopics for a name that is taken. */
public final class TopicExistsException extends Exception {

    private final String name;

    public TopicExistsException(String name) {
        super("topic '" + name + "' already exists", null, false, false);
        this.name = name;
    }

    /** The topic's name. */
    public String name() {
        return name;
    }
}
