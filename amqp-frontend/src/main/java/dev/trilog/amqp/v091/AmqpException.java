package dev.trilog.amqp.v091;

import com.rabbitmq.client.Method;
import dev.trilog.amqp.v091.codec.ReplyCode;
import dev.trilog.routing.address.VhostNames;

/**
 * A method refused with a reply code: a soft error closes the channel, a hard one the connection
 * ({@link ReplyCode#hard()}, or forced with {@link #connection}). Carries the class and method
 * that failed, for the close frame.
 */
final class AmqpException extends Exception {

    final ReplyCode code;
    final boolean connectionLevel;
    private int classId;
    private int methodId;

    private AmqpException(ReplyCode code, String detail, boolean connectionLevel) {
        super(detail, null, false, false);
        this.code = code;
        this.connectionLevel = connectionLevel;
    }

    /** Closes the channel, or the connection when the code is a hard error. */
    static AmqpException of(ReplyCode code, String detail) {
        return new AmqpException(code, detail, code.hard());
    }

    /** Closes the connection whatever the code (errors on channel 0, in the handshake). */
    static AmqpException connection(ReplyCode code, String detail) {
        return new AmqpException(code, detail, true);
    }

    /** {@code NOT_FOUND - no queue 'q' in vhost 'dev'}, for the qualified name {@code name} ({@link VhostNames}). */
    static AmqpException notFound(String what, String name) {
        return of(ReplyCode.NOT_FOUND, "no " + what + " " + VhostNames.describe(name));
    }

    /** Names the method that failed, unless one is named already. */
    AmqpException at(Method method) {
        if (method != null && classId == 0) {
            classId = method.protocolClassId();
            methodId = method.protocolMethodId();
        }
        return this;
    }

    int classId() {
        return classId;
    }

    int methodId() {
        return methodId;
    }

    /** The reply text: {@code NOT_FOUND - no queue 'q' in vhost '/'}. */
    String replyText() {
        return shortString(code.text(getMessage()));
    }

    /** {@code text} cut to what a short string holds: 255 bytes of UTF-8. */
    static String shortString(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= 255) {
            return text;
        }
        int end = 255;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // not inside a character
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
