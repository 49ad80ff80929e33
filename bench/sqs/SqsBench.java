import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The SQS bench for bench/sqs/run.sh: aws-sdk-java-v2 (sync client, Apache HTTP, its default MD5
 * checks on) against any SQS endpoint, THREADS concurrent callers, SIZE-byte bodies. With
 * {@code -Dclient=raw} the same calls go as plain HTTP/1.1 requests of SQS's JSON protocol, unsigned
 * and without the SDK's checks ({@link RawCalls}): on 2 cores the SDK spends more CPU per call than
 * the brokers do, so this is the client that lets a broker's own capacity show. Phases, each
 * on its own fresh queue, each printing one tab-separated row:
 *
 * <pre>
 * send      SendMessage in a loop for SECONDS
 * batch     SendMessageBatch(10) in a loop for SECONDS
 * receive   ReceiveMessage(10, wait 1 s) + DeleteMessageBatch until what "batch" sent is drained
 * e2e       one sender paced at E2E_RATE msg/s for SECONDS, THREADS receivers long-polling (5 s,
 *           10 at a time) and deleting; latency = receive time - send time carried in the body;
 *           its seconds are the sender's
 * </pre>
 *
 * Row: phase, messages, seconds, msgs/s, call p50/p99 ms (e2e: message latency p50/p99/p999/max
 * ms), broker CPU seconds (from /proc/BROKER_PID/stat), bench CPU seconds, 1-min load average.
 * {@code -Dwarmup=SECONDS} (15) is how long the unreported warm-up sends single messages, then batches,
 * then runs the paced e2e long poll (its wake-up path otherwise first runs, cold, in the measured phase).
 * 15 s, not the 3 s of the runs before 2026-12-07: ElasticMQ's JIT was still compiling after 3 s and it
 * ran 2.5–3× slower cold, which flattered Trilog's ratios (bench/sqs/RESULTS.md, twelfth pass).
 * With {@code -De2e.trace=FILE} the e2e phase writes one line per message to FILE: its send and
 * receive {@code System.nanoTime} (one clock for every process on Linux), the receiving thread and
 * how many messages that receive brought.
 * With {@code -Dphase.windows=FILE} each phase's start and end (epoch ms) are appended to FILE, so a
 * profile of the broker can be cut by phase (profile.sh).
 * Run with the source launcher: java -cp 'lib-client/*' SqsBench.java ENDPOINT BROKER_PID ...
 */
public final class SqsBench {

    private static long tick = 100;

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        long brokerPid = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int e2eRate = Integer.parseInt(args[5]);
        String prefix = args[6];
        tick = Long.parseLong(args.length > 7 ? args[7] : "100");
        String body = "x".repeat(size);
        try (Calls sqs = "raw".equals(System.getProperty("client")) ? new RawCalls(endpoint, threads)
                : new SdkCalls(endpoint, threads)) {
            // warm-up: both JITs, connections, the queue code paths (single and batched sends,
            // receives, deletes); not reported
            int warmup = Integer.getInteger("warmup", 15);
            String warm = sqs.createQueue(prefix + "-warm");
            send(sqs, warm, body, threads, warmup, false);
            send(sqs, warm, body, threads, warmup, true);
            drain(sqs, warm, threads, Long.MAX_VALUE);
            // and the long poll woken by a send, which none of the above runs: without it the e2e
            // phase's first second ran the broker's wake-up path cold and held most of its p99
            // (bench/sqs/RESULTS.md, sqs26)
            // on a queue of its own: drain may stop with messages left (a receive that finds every
            // message in the window locked comes back empty), and e2e reads every body as stamped
            e2e(sqs, sqs.createQueue(prefix + "-warm-e2e"), size, threads, warmup, e2eRate, null);
            System.out.println("phase\tmessages\tsecs\tmsgs_per_sec\tp50_ms\tp99_ms\tp999_ms\tmax_ms\tbroker_cpu_s"
                    + "\tbench_cpu_s\tload1");
            String sendQueue = sqs.createQueue(prefix + "-send");
            measure("send", brokerPid, () -> send(sqs, sendQueue, body, threads, seconds, false));
            String batchQueue = sqs.createQueue(prefix + "-batch");
            long[] batched = new long[1];
            measure("batch", brokerPid, () -> {
                Result r = send(sqs, batchQueue, body, threads, seconds, true);
                batched[0] = r.messages;
                return r;
            });
            measure("receive", brokerPid, () -> drain(sqs, batchQueue, threads, batched[0]));
            String e2eQueue = sqs.createQueue(prefix + "-e2e");
            measure("e2e", brokerPid, () -> e2e(sqs, e2eQueue, size, threads, seconds, e2eRate,
                    System.getProperty("e2e.trace")));
        }
    }

    record Result(long messages, double secs, Histogram latencyUs) {
    }

    /** A received message: its body and receipt handle. */
    record Received(String body, String receiptHandle) {
    }

    /** The five SQS calls the phases make, over one client or the other. */
    interface Calls extends AutoCloseable {
        String createQueue(String name) throws Exception;

        void send(String url, String body) throws Exception;

        /** SendMessageBatch of {@code body} ten times; how many were sent. */
        int sendTen(String url, String body) throws Exception;

        List<Received> receive(String url, int waitSeconds) throws Exception;

        void deleteAll(String url, List<Received> messages) throws Exception;
    }

    /** aws-sdk-java-v2's sync client over Apache HTTP: what an application would use. */
    static final class SdkCalls implements Calls {
        private final SqsClient sqs;

        SdkCalls(URI endpoint, int threads) {
            sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                    .httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads * 2 + 4)
                            .socketTimeout(Duration.ofSeconds(30)))
                    .build();
        }

        public String createQueue(String name) {
            return sqs.createQueue(b -> b.queueName(name)).queueUrl();
        }

        public void send(String url, String body) {
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(body));
        }

        public int sendTen(String url, String body) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(body).build());
            }
            return sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).successful().size();
        }

        public List<Received> receive(String url, int waitSeconds) {
            List<Received> got = new ArrayList<>();
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(waitSeconds)).messages()) {
                got.add(new Received(m.body(), m.receiptHandle()));
            }
            return got;
        }

        public void deleteAll(String url, List<Received> messages) {
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id("d" + i)
                        .receiptHandle(messages.get(i).receiptHandle()).build());
            }
            sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(deletes));
        }

        public void close() {
            sqs.close();
        }
    }

    /**
     * SQS's JSON protocol (AWS's {@code x-amz-json-1.0}, {@code X-Amz-Target: AmazonSQS.<Action>})
     * over plain HTTP/1.1: no signature, no MD5 check, bodies written and read with Jackson. Each
     * calling thread keeps one keep-alive connection of its own and blocks on it — no selector, no
     * executor, no hand-off between threads — so a call costs the client little more than its
     * JSON; the JDK's HttpClient cost ~130 µs of client CPU per call, as much as a broker. Both
     * brokers answer unsigned requests when no keys are configured (ElasticMQ always), and both get
     * exactly this client.
     */
    static final class RawCalls implements Calls {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final String host;
        private final int port;
        private final ThreadLocal<RawConnection> connection = new ThreadLocal<>();
        private final List<RawConnection> opened = java.util.Collections.synchronizedList(new ArrayList<>());

        RawCalls(URI endpoint, int threads) {
            this.host = endpoint.getHost();
            this.port = endpoint.getPort();
        }

        private JsonNode call(String action, ObjectNode request) throws Exception {
            byte[] body = JSON.writeValueAsBytes(request);
            RawConnection c = connection.get();
            if (c == null || c.closed()) {
                c = new RawConnection(host, port);
                connection.set(c);
                opened.add(c);
            }
            RawConnection.Response response = c.post("AmazonSQS." + action, body);
            if (response.status() != 200) {
                throw new IllegalStateException(action + " answered " + response.status() + ": "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return JSON.readTree(response.body());
        }

        public String createQueue(String name) throws Exception {
            return call("CreateQueue", JSON.createObjectNode().put("QueueName", name)).get("QueueUrl").asText();
        }

        public void send(String url, String body) throws Exception {
            call("SendMessage", JSON.createObjectNode().put("QueueUrl", url).put("MessageBody", body));
        }

        public int sendTen(String url, String body) throws Exception {
            ObjectNode request = JSON.createObjectNode().put("QueueUrl", url);
            var entries = request.putArray("Entries");
            for (int i = 0; i < 10; i++) {
                entries.addObject().put("Id", "e" + i).put("MessageBody", body);
            }
            return call("SendMessageBatch", request).path("Successful").size();
        }

        public List<Received> receive(String url, int waitSeconds) throws Exception {
            JsonNode answer = call("ReceiveMessage", JSON.createObjectNode().put("QueueUrl", url)
                    .put("MaxNumberOfMessages", 10).put("WaitTimeSeconds", waitSeconds));
            List<Received> got = new ArrayList<>();
            for (JsonNode m : answer.path("Messages")) {
                got.add(new Received(m.get("Body").asText(), m.get("ReceiptHandle").asText()));
            }
            return got;
        }

        public void deleteAll(String url, List<Received> messages) throws Exception {
            ObjectNode request = JSON.createObjectNode().put("QueueUrl", url);
            var entries = request.putArray("Entries");
            for (int i = 0; i < messages.size(); i++) {
                entries.addObject().put("Id", "d" + i).put("ReceiptHandle", messages.get(i).receiptHandle());
            }
            JsonNode answer = call("DeleteMessageBatch", request);
            if (answer.path("Failed").size() > 0) {
                throw new IllegalStateException("DeleteMessageBatch failed: " + answer.get("Failed"));
            }
        }

        public void close() {
            synchronized (opened) {
                opened.forEach(RawConnection::close);
            }
        }
    }

    /**
     * One blocking keep-alive HTTP/1.1 connection: writes a POST, reads the status line, the
     * headers it needs ({@code Content-Length}, {@code Transfer-Encoding: chunked},
     * {@code Connection: close}) and the body. A 30 s read timeout stands for the SDK's socket
     * timeout (the longest poll is 5 s).
     */
    static final class RawConnection implements AutoCloseable {
        record Response(int status, byte[] body) {
        }

        private final java.net.Socket socket;
        private final java.io.InputStream in;
        private final java.io.OutputStream out;
        private final byte[] head;
        private boolean closed;

        RawConnection(String host, int port) throws java.io.IOException {
            socket = new java.net.Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new java.net.InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(30_000);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
            head = ("POST / HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: ")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }

        boolean closed() {
            return closed;
        }

        Response post(String target, byte[] body) throws java.io.IOException {
            byte[] rest = (target + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] request = new byte[head.length + rest.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(rest, 0, request, head.length, rest.length);
            System.arraycopy(body, 0, request, head.length + rest.length, body.length);
            out.write(request); // one write: one segment for a small request
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    closed = true;
                }
            }
            byte[] answer;
            if (chunked) {
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    all.write(in.readNBytes(size));
                    line();
                }
                while (!line().isEmpty()) { // trailers
                }
                answer = all.toByteArray();
            } else if (length >= 0) {
                answer = in.readNBytes((int) length);
            } else {
                answer = in.readAllBytes();
                closed = true;
            }
            if (closed) {
                close();
            }
            return new Response(code, answer);
        }

        private String line() throws java.io.IOException {
            StringBuilder s = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    closed = true;
                    throw new java.io.EOFException("connection closed by the broker");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        public void close() {
            closed = true;
            try {
                socket.close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
        }
    }

    interface Phase {
        Result run() throws Exception;
    }

    private static void measure(String name, long brokerPid, Phase phase) throws Exception {
        double broker0 = processCpu(brokerPid);
        long bench0 = ownCpuNanos();
        long startMs = System.currentTimeMillis();
        Result r = phase.run();
        String windows = System.getProperty("phase.windows");
        if (windows != null) { // profile.sh: which part of the broker's recording each phase was
            Files.writeString(Path.of(windows), name + "\t" + startMs + "\t" + System.currentTimeMillis() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        double broker = processCpu(brokerPid) - broker0;
        double bench = (ownCpuNanos() - bench0) / 1e9;
        Histogram h = r.latencyUs;
        System.out.printf(Locale.ROOT, "%s\t%d\t%.2f\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%s%n", name,
                r.messages, r.secs, r.messages / r.secs, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0, broker, bench, Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    private static Result send(Calls sqs, String url, String body, int threads, int seconds, boolean batch)
            throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(3);
        AtomicLong sent = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(started(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    if (batch) {
                        sent.addAndGet(sqs.sendTen(url, body));
                    } else {
                        sqs.send(url, body);
                        sent.incrementAndGet();
                    }
                    latency.recordValue((System.nanoTime() - t0) / 1000);
                }
            }));
        }
        join(workers);
        return new Result(sent.get(), (System.nanoTime() - start) / 1e9, latency);
    }

    private static Result drain(Calls sqs, String url, int threads, long expected) throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(3);
        AtomicLong received = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(started(() -> {
                int empty = 0;
                while (received.get() < expected && empty < 2) {
                    long t0 = System.nanoTime();
                    List<Received> got = sqs.receive(url, 1);
                    if (got.isEmpty()) {
                        empty++;
                        continue;
                    }
                    empty = 0;
                    sqs.deleteAll(url, got);
                    received.addAndGet(got.size());
                    latency.recordValue((System.nanoTime() - t0) / 1000);
                }
            }));
        }
        join(workers);
        return new Result(received.get(), (System.nanoTime() - start) / 1e9, latency);
    }

    /** @param traceFile where each message's stamps go ({@code -De2e.trace}), or null */
    private static Result e2e(Calls sqs, String url, int size, int threads, int seconds, int rate, String traceFile)
            throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(3);
        AtomicLong received = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        long[] sentCount = new long[1];
        String padding = "x".repeat(Math.max(0, size - 20));
        java.util.Queue<String> trace = traceFile == null ? null : new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(started(() -> {
                while (sending.get() || received.get() < sentCount[0]) {
                    List<Received> got = sqs.receive(url, sending.get() ? 5 : 1);
                    long now = System.nanoTime();
                    if (got.isEmpty() && !sending.get()) {
                        break;
                    }
                    for (Received m : got) {
                        String b = m.body();
                        long sentAt = Long.parseLong(b.substring(0, b.indexOf('|')));
                        latency.recordValue(Math.max(0, (now - sentAt) / 1000));
                        if (trace != null) {
                            trace.add(sentAt + "\t" + now + "\t" + Thread.currentThread().getName() + "\t" + got.size());
                        }
                    }
                    if (!got.isEmpty()) {
                        sqs.deleteAll(url, got);
                    }
                    received.addAndGet(got.size());
                }
            }));
        }
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        long total = (long) rate * seconds;
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            // parked, not spinning: a spinning sender took a whole core from the two the brokers
            // and receivers share, and the scheduler's delays then made both brokers' tails
            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
            String body = System.nanoTime() + "|" + padding;
            try {
                sqs.send(url, body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        double sendSecs = (System.nanoTime() - start) / 1e9;
        sentCount[0] = total;
        sending.set(false);
        join(workers);
        if (trace != null) {
            try {
                Files.write(Path.of(traceFile), trace);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Result(received.get(), sendSecs, latency);
    }

    /** utime + stime of a process in seconds, from /proc/PID/stat (fields 14 and 15). */
    private static double processCpu(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) tick;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void join(List<Thread> workers) throws InterruptedException {
        for (Thread w : workers) {
            w.join();
        }
    }

    interface Work {
        void run() throws Exception;
    }

    /** A worker thread; what it throws ends the bench (a failed call is not a result). */
    private static Thread started(Work body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        });
        t.start();
        return t;
    }
}
