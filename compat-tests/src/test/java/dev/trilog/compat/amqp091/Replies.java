package dev.trilog.compat.amqp091;

import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;

/** The reply code a client call failed with (channel.close or connection.close). */
final class Replies {

    interface Call {
        void run() throws Exception;
    }

    private Replies() {
    }

    static int replyCode(Call call) {
        try {
            call.run();
        } catch (IOException | ShutdownSignalException e) {
            Throwable t = e;
            while (t != null && !(t instanceof ShutdownSignalException)) {
                t = t.getCause();
            }
            if (t == null) {
                throw new AssertionError("no shutdown signal in " + e, e);
            }
            Object reason = ((ShutdownSignalException) t).getReason();
            if (reason instanceof AMQP.Channel.Close c) {
                return c.getReplyCode();
            }
            if (reason instanceof AMQP.Connection.Close c) {
                return c.getReplyCode();
            }
            throw new AssertionError("unexpected reason " + reason, e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return fail("expected the call to fail with a reply code");
    }

    /** Whether the failure closed the connection (a hard error) rather than the channel. */
    static boolean hard(Call call) {
        try {
            call.run();
        } catch (IOException | ShutdownSignalException e) {
            Throwable t = e;
            while (t != null && !(t instanceof ShutdownSignalException)) {
                t = t.getCause();
            }
            return t != null && ((ShutdownSignalException) t).isHardError();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return fail("expected the call to fail");
    }
}
