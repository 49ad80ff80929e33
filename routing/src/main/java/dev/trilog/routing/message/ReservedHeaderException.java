package dev.trilog.routing.message;

/**
 * An application header was given a name in the mapping's reserved namespace
 * ({@value Message#RESERVED_PREFIX}…). Frontends answer it as their protocol's invalid-argument
 * error (AMQP precondition-failed / invalid-field, SQS InvalidParameterValue).
 */
public final class ReservedHeaderException extends IllegalArgumentException {

    public ReservedHeaderException(String name) {
        super("header name '" + name + "' starts with '" + Message.RESERVED_PREFIX
                + "', which Trilog reserves for message properties; choose another name");
    }
}
