package dev.trilog.amqp.v10;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/**
 * An AMQP 1.0 error condition with its description, thrown where a request is refused and
 * turned into a detach, a {@code rejected} outcome or a close by whoever catches it.
 */
final class AmqpError extends RuntimeException {

    static final Symbol NOT_FOUND = Symbol.valueOf("amqp:not-found");
    static final Symbol NOT_IMPLEMENTED = Symbol.valueOf("amqp:not-implemented");
    static final Symbol INVALID_FIELD = Symbol.valueOf("amqp:invalid-field");
    static final Symbol DECODE_ERROR = Symbol.valueOf("amqp:decode-error");
    static final Symbol INTERNAL_ERROR = Symbol.valueOf("amqp:internal-error");
    static final Symbol PRECONDITION_FAILED = Symbol.valueOf("amqp:precondition-failed");
    static final Symbol UNAUTHORIZED_ACCESS = Symbol.valueOf("amqp:unauthorized-access");
    static final Symbol RESOURCE_DELETED = Symbol.valueOf("amqp:resource-deleted");
    static final Symbol RESOURCE_LOCKED = Symbol.valueOf("amqp:resource-locked");
    static final Symbol RESOURCE_LIMIT_EXCEEDED = Symbol.valueOf("amqp:resource-limit-exceeded");
    static final Symbol TRANSFER_LIMIT_EXCEEDED = Symbol.valueOf("amqp:link:transfer-limit-exceeded");
    static final Symbol MESSAGE_SIZE_EXCEEDED = Symbol.valueOf("amqp:link:message-size-exceeded");
    static final Symbol CONNECTION_FORCED = Symbol.valueOf("amqp:connection:forced");
    static final Symbol ILLEGAL_STATE = Symbol.valueOf("amqp:illegal-state");

    private final Symbol condition;

    AmqpError(Symbol condition, String description) {
        super(description, null, false, false);
        this.condition = condition;
    }

    Symbol condition() {
        return condition;
    }

    ErrorCondition toCondition() {
        return new ErrorCondition(condition, getMessage());
    }
}
