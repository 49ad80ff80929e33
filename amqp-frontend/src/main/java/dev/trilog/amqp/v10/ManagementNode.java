package dev.trilog.amqp.v10;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /management} node of one connection: RabbitMQ 4's HTTP-over-AMQP, which RabbitMQ's
 * AMQP 1.0 clients use to declare queues, exchanges and bindings. The client attaches a pair of
 * links with the same name to {@code /management}: requests arrive on the one it sends on, each
 * answered ({@link ManagementRequests}) on the one it receives on, with {@code correlation-id} =
 * the request's {@code message-id} and {@code subject} = the status code. Both are at most once
 * (pre-settled). Requests run on the declaring thread; answers wait for the reply link's credit.
 *
 * <p>Exclusive queues declared through it belong to the connection and are deleted when it
 * closes, as RabbitMQ does.
 */
final class ManagementNode {

    static final String ADDRESS = "/management";
    private static final Logger log = LoggerFactory.getLogger(ManagementNode.class);
    /** Requests one client may have outstanding. */
    private static final int REQUEST_CREDIT = 100;

    private final ProtonConnection connection;
    private final ManagementRequests requests;
    private final Map<String, ReplyLink> replyLinks = new HashMap<>();
    private final java.util.List<String> exclusiveQueues = new java.util.ArrayList<>();

    ManagementNode(ProtonConnection connection) {
        this.connection = connection;
        this.requests = new ManagementRequests(connection.broker().topology(), connection.broker().queues(),
                connection.broker().consumers(), connection.access());
    }

    static boolean isManagement(String address) {
        return ADDRESS.equals(address);
    }

    /** The client's receiving half of the pair: where answers go. */
    void attachReplies(Sender sender) {
        ReplyLink link = new ReplyLink(sender);
        sender.setSource(sender.getRemoteSource());
        sender.setTarget(sender.getRemoteTarget());
        sender.setSenderSettleMode(SenderSettleMode.SETTLED);
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        sender.setContext(link);
        sender.open();
        replyLinks.put(sender.getName(), link);
        connection.opened(link);
    }

    /** The client's sending half of the pair: where requests come from. */
    void attachRequests(Receiver receiver) {
        RequestLink link = new RequestLink(receiver);
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setSource(receiver.getRemoteSource());
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.setContext(link);
        receiver.open();
        receiver.flow(REQUEST_CREDIT);
        connection.opened(link);
    }

    /** The connection closed: its exclusive queues go. */
    void connectionClosed() {
        for (String queue : exclusiveQueues) {
            connection.broker().consumers().disownExclusive(queue, connection);
            connection.resolver().deleteTemporary(queue);
        }
        exclusiveQueues.clear();
    }

    private void answer(String linkName, Object correlationId, ManagementRequests.Response response) {
        ReplyLink link = replyLinks.get(linkName);
        if (link == null) {
            log.debug("Management answer for link '{}' of {} dropped: no reply link", linkName, connection.remote());
            return;
        }
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(correlationId);
        properties.setSubject(Integer.toString(response.status()));
        message.setProperties(properties);
        message.setBody(new AmqpValue(response.body()));
        link.send(connection.codec().encode(message));
    }

    /** Where answers go; they wait for credit. */
    private final class ReplyLink implements LinkHandler {
        private final Sender sender;
        private final Deque<byte[]> waiting = new ArrayDeque<>();
        private long tag;
        private boolean closed;

        ReplyLink(Sender sender) {
            this.sender = sender;
        }

        void send(byte[] payload) {
            if (closed) {
                return;
            }
            waiting.add(payload);
            onFlow();
        }

        @Override
        public void onFlow() {
            while (!closed && !waiting.isEmpty() && sender.getCredit() > 0) {
                byte[] payload = waiting.poll();
                Delivery delivery = sender.delivery(Long.toString(tag++).getBytes(StandardCharsets.US_ASCII));
                sender.send(payload, 0, payload.length);
                sender.advance();
                delivery.settle();
            }
        }

        @Override
        public void onDelivery(Delivery delivery) {
            delivery.settle();
        }

        @Override
        public void closed() {
            closed = true;
            replyLinks.remove(sender.getName(), this);
            connection.forget(this);
        }
    }

    /** Where requests come from. */
    private final class RequestLink implements LinkHandler {
        private final Receiver receiver;
        private int creditLeft = REQUEST_CREDIT;
        private boolean closed;

        RequestLink(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void onFlow() {
        }

        @Override
        public void onDelivery(Delivery delivery) {
            if (closed || delivery.isPartial() || delivery.getContext() != null) {
                return;
            }
            delivery.setContext(Boolean.TRUE);
            byte[] bytes = new byte[delivery.pending()];
            int length = receiver.recv(bytes, 0, bytes.length);
            receiver.advance();
            delivery.settle();
            if (--creditLeft <= REQUEST_CREDIT / 2) {
                receiver.flow(REQUEST_CREDIT - creditLeft);
                creditLeft = REQUEST_CREDIT;
            }
            Message request = Message.Factory.create();
            try {
                request.decode(bytes, 0, length);
            } catch (RuntimeException e) {
                log.debug("Undecodable management request from {}", connection.remote(), e);
                return;
            }
            String method = request.getSubject();
            String uri = request.getAddress();
            Object correlationId = request.getMessageId();
            Object body = request.getBody() instanceof AmqpValue value ? value.getValue() : null;
            String linkName = receiver.getName();
            CompletableFuture.supplyAsync(() -> requests.handle(method, uri, body, queue -> {
                connection.broker().consumers().ownExclusive(queue, connection);
                connection.execute(() -> exclusiveQueues.add(queue));
            }), connection.broker().declarer())
                    .whenComplete((response, failure) -> connection.execute(() -> {
                        if (failure != null) {
                            log.warn("Management request {} {} from {} failed", method, uri, connection.remote(),
                                    failure);
                            answer(linkName, correlationId, ManagementRequests.Response.error(500,
                                    String.valueOf(failure.getMessage())));
                        } else {
                            answer(linkName, correlationId, response);
                        }
                    }));
        }

        @Override
        public void closed() {
            closed = true;
            connection.forget(this);
        }
    }
}
