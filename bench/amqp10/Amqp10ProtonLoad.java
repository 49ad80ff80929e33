import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;

/**
 * The bench/amqp10 workload of {@link Amqp10Load}, driven by proton-j directly (its engine over
 * one NIO selector, one thread for both connections) instead of Qpid JMS: a lighter client, so that on a small machine more of the CPU is
 * left to the broker. Same workload and messages as a JMS BytesMessage carries them: header
 * durable; message annotations {@code x-opt-jms-msg-type} = 3 and {@code x-opt-jms-dest} = 0;
 * properties message-id, to and creation-time; the application property {@code sent_at}
 * (System.nanoTime at send); a data section of SIZE bytes. One sender keeps up to INFLIGHT
 * unsettled, each settled by the broker's {@code accepted}; one receiver on its own connection
 * with credit CREDIT (topped up when half is used) accepts and settles each. Same arguments
 * and RESULT line as {@link Amqp10Load}; SASL PLAIN guest/guest.
 */
public final class Amqp10ProtonLoad {

    private static final Symbol JMS_MSG_TYPE = Symbol.valueOf("x-opt-jms-msg-type");
    private static final Symbol JMS_DEST = Symbol.valueOf("x-opt-jms-dest");
    private static final Symbol QUEUE = Symbol.valueOf("queue");

    private final String host;
    private final int port;
    private final String address;
    private final int inflight;
    private final int credit;
    private final byte[] payload;
    private final Histogram latencyUs = new Histogram(3);
    private long measureFrom = Long.MAX_VALUE;
    private boolean running = true;
    private long settled;
    private long received;
    private long errors;
    private long sentCount;
    private long receivedCount;

    private Amqp10ProtonLoad(URI uri, String address, int inflight, int credit, int size) {
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.address = address;
        this.inflight = inflight;
        this.credit = credit;
        this.payload = new byte[size];
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String address = args[1];
        long durationS = Long.parseLong(args[2]);
        long warmupS = Long.parseLong(args[3]);
        int inflight = Integer.parseInt(args[4]);
        int credit = Integer.parseInt(args[5]);
        int size = Integer.parseInt(args[6]);
        if (args.length > 8) {
            Amqp10Load.declare(args[7], args[8]);
        }
        Amqp10ProtonLoad load = new Amqp10ProtonLoad(uri, address, inflight, credit, size);
        load.run(TimeUnit.SECONDS.toNanos(warmupS), TimeUnit.SECONDS.toNanos(durationS));
        long clientCpuMs = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
        System.out.printf("RESULT sent_per_sec=%.0f received_per_sec=%.0f p50_us=%d p99_us=%d errors=%d"
                + " client_cpu_ms=%d%n", load.sentCount / (double) durationS, load.receivedCount / (double) durationS,
                load.latencyUs.getValueAtPercentile(50), load.latencyUs.getValueAtPercentile(99), load.errors,
                clientCpuMs);
    }

    /**
     * Both connections on this thread: one selector; after each read, proton's events go to the
     * connection's side and what proton has to write is written at once.
     */
    private void run(long warmupNs, long durationNs) throws IOException {
        long start = System.nanoTime();
        long warmupEnd = start + warmupNs;
        long end = warmupEnd + durationNs;
        long closeAt = end + TimeUnit.SECONDS.toNanos(2); // let the last sends settle
        try (Selector selector = Selector.open()) {
            Wire[] wires = {new Wire(selector, new ReceiverSide()), new Wire(selector, new SenderSide())};
            boolean closing = false;
            while (true) {
                long now = System.nanoTime();
                if (now >= warmupEnd && measureFrom == Long.MAX_VALUE) {
                    measureFrom = now;
                    latencyUs.reset();
                }
                if (now >= end && running) {
                    sentCount = settled;
                    receivedCount = received;
                    running = false;
                }
                if (now >= closeAt) {
                    if (closing) {
                        break;
                    }
                    closing = true;
                    closeAt = now + TimeUnit.SECONDS.toNanos(2); // for the closes to go out
                    for (Wire w : wires) {
                        w.connection.close();
                        w.pump();
                    }
                }
                long next = measureFrom == Long.MAX_VALUE ? warmupEnd : running ? end : closeAt;
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now)));
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Wire) key.attachment()).ready(key);
                }
                selector.selectedKeys().clear();
            }
        }
    }

    /** One connection: a socket, proton's transport, connection and collector, and the side handling its events. */
    private final class Wire {
        final SocketChannel channel;
        final SelectionKey key;
        final Transport transport = Proton.transport();
        final Connection connection = Proton.connection();
        final Collector collector = Proton.collector();
        final BaseHandler side;

        Wire(Selector selector, BaseHandler side) throws IOException {
            this.side = side;
            channel = SocketChannel.open(new InetSocketAddress(host, port));
            channel.socket().setTcpNoDelay(true);
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ, this);
            transport.sasl().plain("guest", "guest");
            connection.collect(collector);
            transport.bind(connection);
            pump();
        }

        void ready(SelectionKey k) {
            try {
                if (k.isReadable()) {
                    int capacity = transport.capacity();
                    if (capacity > 0) {
                        ByteBuffer tail = transport.tail();
                        int n = channel.read(tail);
                        if (n < 0) {
                            transport.close_tail();
                        } else if (n > 0) {
                            transport.process();
                        }
                    }
                }
                pump();
            } catch (IOException e) {
                errors++;
                k.cancel();
            }
        }

        /** Proton's events to the side, then its output to the socket (what does not fit waits for OP_WRITE). */
        void pump() {
            Event event;
            while ((event = collector.peek()) != null) {
                event.dispatch(side);
                collector.pop();
            }
            try {
                int pending;
                while ((pending = transport.pending()) > 0) {
                    ByteBuffer head = transport.head();
                    int n = channel.write(head);
                    if (n > 0) {
                        transport.pop(n);
                    }
                    if (n < pending) {
                        break;
                    }
                }
                key.interestOps(transport.pending() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                        : SelectionKey.OP_READ);
            } catch (IOException e) {
                errors++;
                key.cancel();
            }
        }
    }

    /** What both connections do to open: SASL PLAIN, open, one session. */
    private abstract class Side extends BaseHandler {
        @Override
        public void onConnectionInit(Event e) {
            Connection c = e.getConnection();
            c.setContainer("bench-" + getClass().getSimpleName() + "-" + ProcessHandle.current().pid());
            c.setHostname(host);
            c.open();
            Session s = c.session();
            s.open();
            openLink(s);
        }

        @Override
        public void onConnectionRemoteClose(Event e) {
            if (e.getConnection().getRemoteCondition() != null && e.getConnection().getRemoteCondition().getCondition() != null) {
                System.err.println("connection closed by the broker: " + e.getConnection().getRemoteCondition());
                errors++;
            }
            e.getConnection().close();
        }

        @Override
        public void onLinkRemoteClose(Event e) {
            System.err.println("link closed by the broker: " + e.getLink().getRemoteCondition());
            errors++;
        }

        @Override
        public void onTransportError(Event e) {
            System.err.println("transport error: " + e.getTransport().getCondition());
            errors++;
        }

        abstract void openLink(Session s);
    }

    private final class SenderSide extends Side {
        private Sender sender;
        private int unsettled;
        private long next;
        private byte[] buffer = new byte[4096];

        @Override
        void openLink(Session s) {
            sender = s.sender("bench-sender");
            Target target = new Target();
            target.setAddress(address);
            target.setCapabilities(QUEUE); // as Qpid JMS says of a Queue
            sender.setTarget(target);
            sender.setSource(new Source());
            sender.setSenderSettleMode(SenderSettleMode.UNSETTLED);
            sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
            sender.open();
        }

        @Override
        public void onLinkFlow(Event e) {
            pump();
        }

        @Override
        public void onDelivery(Event e) {
            Delivery d = e.getDelivery();
            if (!d.remotelySettled() && d.getRemoteState() == null) {
                return;
            }
            if (d.getRemoteState() instanceof Accepted) {
                if ((long) d.getContext() >= measureFrom) {
                    settled++;
                }
            } else {
                errors++;
            }
            d.settle();
            unsettled--;
            pump();
        }

        private void pump() {
            while (running && sender.getCredit() > 0 && unsettled < inflight) {
                long n = next++;
                long sentAt = System.nanoTime();
                Message m = Message.Factory.create();
                Header header = new Header();
                header.setDurable(true);
                m.setHeader(header);
                Map<Symbol, Object> annotations = new LinkedHashMap<>();
                annotations.put(JMS_MSG_TYPE, (byte) 3);
                annotations.put(JMS_DEST, (byte) 0);
                m.setMessageAnnotations(new MessageAnnotations(annotations));
                Properties p = new Properties();
                p.setMessageId("ID:bench-" + n);
                p.setTo(address);
                p.setCreationTime(new Date());
                m.setProperties(p);
                m.setApplicationProperties(new ApplicationProperties(Map.of("sent_at", sentAt)));
                m.setBody(new Data(new Binary(payload)));
                int length = encode(m);
                Delivery d = sender.delivery(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
                d.setContext(sentAt);
                sender.send(buffer, 0, length);
                sender.advance();
                unsettled++;
            }
        }

        private int encode(Message m) {
            while (true) {
                try {
                    return m.encode(buffer, 0, buffer.length);
                } catch (BufferOverflowException | IndexOutOfBoundsException e) {
                    buffer = new byte[buffer.length * 2];
                }
            }
        }
    }

    private final class ReceiverSide extends Side {
        private Receiver receiver;
        private byte[] buffer = new byte[4096];

        @Override
        void openLink(Session s) {
            receiver = s.receiver("bench-receiver");
            Source source = new Source();
            source.setAddress(address);
            source.setCapabilities(QUEUE);
            receiver.setSource(source);
            receiver.setTarget(new Target());
            receiver.setSenderSettleMode(SenderSettleMode.UNSETTLED);
            receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
            receiver.open();
            receiver.flow(credit);
        }

        @Override
        public void onDelivery(Event e) {
            Delivery d = e.getDelivery();
            if (!d.isReadable() || d.isPartial()) {
                return;
            }
            int n = d.pending();
            if (n > buffer.length) {
                buffer = new byte[Math.max(n, buffer.length * 2)];
            }
            int length = receiver.recv(buffer, 0, n);
            receiver.advance();
            long now = System.nanoTime();
            Message m = Message.Factory.create();
            m.decode(buffer, 0, length);
            Object sentAt = m.getApplicationProperties() == null ? null
                    : m.getApplicationProperties().getValue().get("sent_at");
            if (sentAt instanceof Long at) {
                if (at >= measureFrom && running) {
                    received++;
                    latencyUs.recordValue(Math.max(0, (now - at) / 1_000));
                }
            } else {
                errors++;
            }
            d.disposition(Accepted.getInstance());
            d.settle();
            if (receiver.getCredit() <= credit / 2) {
                receiver.flow(credit - receiver.getCredit());
            }
        }
    }
}
