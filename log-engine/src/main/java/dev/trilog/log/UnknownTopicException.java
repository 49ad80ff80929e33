package dev.trilog.log;

/** A topic or partition that does not exist. */
public final class UnknownTopicException extends Exception {
    public UnknownTopicException(String message) {
        super(message, null, false, false);
    }
}
