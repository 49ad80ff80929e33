package dev.trilog.log;

/**
 * A topic a client asked to delete is in use by a layer above the log (it holds a queue's
 * messages): deleting it under that layer would leave a queue without its messages. The message
 * says what holds it and what to do instead.
 */
public final class TopicInUseException extends IllegalStateException {

    public TopicInUseException(String message) {
        super(message);
    }
}
