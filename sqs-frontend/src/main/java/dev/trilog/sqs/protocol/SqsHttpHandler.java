package dev.trilog.sqs.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioIoThread;

/**
 * The SQS endpoint: one handler for both wire protocols. It reads the whole body (up to its
 * limit) without blocking, picks the protocol per request, checks the signature, has
 * {@link SqsRequestDecoder} decode the request into the JSON request shape, runs the action on a
 * worker thread (SendMessage, ReceiveMessage and the deletes on the I/O thread, {@link #servedOnIoThread}) and
 * writes the answer (or the error) in the protocol it came in, on the I/O thread.
 */
public final class SqsHttpHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SqsHttpHandler.class);
    private static final HttpString AMZ_TARGET = new HttpString("X-Amz-Target");
    private static final HttpString REQUEST_ID = new HttpString("x-amzn-RequestId");
    private static final HttpString QUERY_ERROR = new HttpString("x-amzn-query-error");
    static final String JSON_CONTENT_TYPE = "application/x-amz-json-1.0";
    /** The JSON protocol's targets served on the I/O thread, {@link #servedOnIoThread}. */
    private static final Set<String> IO_THREAD_TARGETS = Set.of(
            SqsRequestDecoder.TARGET_PREFIX + SqsAction.SEND_MESSAGE.apiName(),
            SqsRequestDecoder.TARGET_PREFIX + SqsAction.RECEIVE_MESSAGE.apiName(),
            SqsRequestDecoder.TARGET_PREFIX + SqsAction.DELETE_MESSAGE.apiName(),
            SqsRequestDecoder.TARGET_PREFIX + SqsAction.DELETE_MESSAGE_BATCH.apiName());
    private static final long SLOW_CALL_MS = 5_000;
    private static final long LONGEST_POLL_MS = 20_000;

    private final ActionHandler actions;
    private final RequestAuthenticator authenticator;
    private final String fixedHost;
    private final int maxBodyBytes;
    private final SqsMetrics metrics;
    /** Writes characters outside the BMP as their four UTF-8 bytes, not as escaped surrogate pairs. */
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    private final SqsRequestDecoder decoder = new SqsRequestDecoder(json);

    /**
     * @param fixedHost    the host queue URLs name whatever the client's {@code Host} header says; null to
     *                     follow the header
     * @param maxBodyBytes the largest request body kept; a larger one is read and dropped, then answered
     *                     with {@link SqsError#REQUEST_ENTITY_TOO_LARGE}
     */
    public SqsHttpHandler(ActionHandler actions, RequestAuthenticator authenticator, String fixedHost,
                          int maxBodyBytes, SqsMetrics metrics) {
        this.metrics = metrics;
        this.actions = actions;
        this.authenticator = authenticator;
        this.fixedHost = fixedHost;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Reads the body in chunks and copies each in bulk: Undertow's {@code receiveFullBytes} copies
     * byte by byte into a synchronized stream, which took 40 % of the SQS CPU in the profile.
     *
     * <p>A body over {@code maxBodyBytes}, chunked or not, is read to its end without being kept and
     * then answered with the size error, so the client (which is still sending) gets the answer and
     * the connection stays usable. Undertow's entity limit, set by the server above this one, bounds
     * how much is read for that: past it Undertow stops reading, and the answer goes out on a
     * connection that is then closed.
     */
    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long startNanos = System.nanoTime();
        RequestBody body = new RequestBody(exchange.getRequestContentLength(), maxBodyBytes);
        exchange.getRequestReceiver().receivePartialBytes(
                (ex, chunk, last) -> {
                    body.add(chunk);
                    metrics.received(chunk.length);
                    if (last) {
                        if (body.tooLarge()) {
                            respondTooLarge(ex, startNanos);
                        } else if (servedOnIoThread(ex)) {
                            // on this thread, the exchange kept open until the answer is written
                            ex.dispatch(SameThreadExecutor.INSTANCE, () -> process(ex, body.bytes(), startNanos));
                        } else {
                            ex.dispatch(() -> process(ex, body.bytes(), startNanos));
                        }
                    }
                },
                (ex, e) -> {
                    if (e instanceof RequestTooBigException || e instanceof Receiver.RequestToLargeException) {
                        respondTooLarge(ex, startNanos);
                        return;
                    }
                    LOG.warn("SQS request from {} could not be read: {}", ex.getSourceAddress(), e.toString());
                    ex.setStatusCode(400);
                    ex.endExchange();
                });
    }

    /**
     * SendMessage, ReceiveMessage, DeleteMessage and DeleteMessageBatch in the JSON protocol are
     * served on the connection's I/O thread, without the hand-off to a worker and back: nothing in
     * them waits.
     * A send's message is written on this thread when a long poll waits on its idle queue
     * ({@code Queues.publishOnCallerThread}), else queued for the facade's appender, and the
     * answer comes back to this thread once it is durable; the worker's wake-up was a third of the
     * thread hops between a send and a waiting poller's answer (bench/sqs/RESULTS.md, 2026-12-06,
     * sqs21). A delete checks its handles' seals and writes the cursor's new state once per batch
     * (on this thread when no other share-state write runs, else the share-state writer batches
     * it, see {@code ShareStateStore}); its two thread hops cost more than that work
     * (RESULTS.md, sqs23). A receive takes what there is without waiting for the disk (the
     * facade's delivery thread, an event loop, runs the same take) and writes the new delivery
     * counts as a delete writes its state, or joins the queue's long polls and returns; the hand-off
     * to a worker and its wake-up back were 12 % of the receive+delete phase (RESULTS.md, sqs28).
     * Everything else still goes to a worker: running the whole message path (batch sends too) on
     * the two I/O threads lost on a busy machine (see {@link #process}). The Query protocol names
     * its action inside the body, so it is not told apart before decoding and goes to a worker.
     */
    private static boolean servedOnIoThread(HttpServerExchange exchange) {
        String target = exchange.getRequestHeaders().getFirst(AMZ_TARGET);
        return target != null && IO_THREAD_TARGETS.contains(target) && isJson(exchange);
    }

    /**
     * A request body as it arrives, kept only while it is within the limit: never more than
     * {@code limit} bytes are held, however much is sent.
     */
    private static final class RequestBody {

        private final int limit;
        private byte[] bytes;
        private long size;

        RequestBody(long contentLength, int limit) {
            this.limit = limit;
            // sized by Content-Length when it fits, but never trusted beyond 1 MiB up front
            this.bytes = contentLength > limit ? null
                    : new byte[contentLength > 0 ? (int) Math.min(contentLength, 1 << 20) : 1024];
        }

        void add(byte[] chunk) {
            size += chunk.length;
            if (size > limit || bytes == null) {
                // over the limit, now or (by its Content-Length) once it has all arrived
                bytes = null;
                return;
            }
            int end = (int) size;
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(end, 2L * bytes.length)));
            }
            System.arraycopy(chunk, 0, bytes, end - chunk.length, chunk.length);
        }

        boolean tooLarge() {
            return size > limit;
        }

        byte[] bytes() {
            return bytes.length == size ? bytes : Arrays.copyOf(bytes, (int) size);
        }
    }

    private void respondTooLarge(HttpServerExchange exchange, long startNanos) {
        // AWS's front end answers 413 with this text; here it comes as an error in the request's protocol
        boolean jsonProtocol = isJson(exchange);
        SqsError error = respondError(exchange, jsonProtocol, new SqsException(SqsError.REQUEST_ENTITY_TOO_LARGE,
                "HTTP content length exceeded " + maxBodyBytes + " bytes."), RandomIds.next());
        metrics.answered(null, jsonProtocol, startNanos, error);
    }

    /**
     * On a worker thread (SendMessage, ReceiveMessage and deletes: the I/O thread): checks and decodes the request and runs the
     * action; the answer is written on the I/O thread (see {@link #run}). Running the whole message
     * path on the I/O thread instead, which saves the hand-off to a worker, cut SendMessage's rate
     * by 2–20× on a busy machine (bench/sqs/RESULTS.md, 2026-12-05): two I/O threads doing all the
     * work get a small share of an oversubscribed CPU, and every connection of a descheduled one
     * waits.
     */
    private void process(HttpServerExchange exchange, byte[] body, long receivedNanos) {
        String requestId = RandomIds.next();
        boolean jsonProtocol = isJson(exchange);
        SqsRequest request;
        try {
            String caller = authenticator.authenticate(signedRequest(exchange, body));
            request = (jsonProtocol
                    ? decoder.decodeJson(exchange.getRequestHeaders().getFirst(AMZ_TARGET), body, host(exchange), requestId,
                            answerOn(exchange.getIoThread()))
                    : decoder.decodeQuery(exchange.getQueryString(), exchange.getRequestMethod().equals(Methods.POST),
                            body, exchange.getRequestPath(), host(exchange), requestId, answerOn(exchange.getIoThread())))
                    .withCaller(caller);
        } catch (RuntimeException e) {
            metrics.answered(null, jsonProtocol, receivedNanos, respondError(exchange, jsonProtocol, e, requestId));
            return;
        }
        run(exchange, request, jsonProtocol, receivedNanos);
    }

    /**
     * Where a long poll's answer is put together and written ({@link SqsRequest#answerOn}): the
     * connection's I/O thread, and right away when the poll is completed on that very thread. An
     * append made on an I/O thread (SendMessage) hands its message to the waiting poll on that
     * thread; the I/O thread's own {@code execute} would queue the answer behind the rest of the
     * send — its answer's JSON and socket write — although nothing else has to happen first
     * (bench/sqs/RESULTS.md, sqs25). The answer is written on the poll's own I/O thread either way.
     */
    static Executor answerOn(XnioIoThread ioThread) {
        return task -> {
            if (Thread.currentThread() == ioThread) {
                task.run();
            } else {
                ioThread.execute(task);
            }
        };
    }

    private void run(HttpServerExchange exchange, SqsRequest request, boolean jsonProtocol, long receivedNanos) {
        SqsAction action = request.action();
        String requestId = request.requestId();
        try {
            long startNanos = System.nanoTime();
            CompletionStage<ObjectNode> result = actions.handle(request);
            CompletableFuture<ObjectNode> future = result.toCompletableFuture();
            exchange.addExchangeCompleteListener((ex, next) -> {
                // a long poll whose client went away stops waiting
                future.cancel(false);
                next.proceed();
            });
            BiConsumer<ObjectNode, Throwable> answer = (value, failure) -> {
                warnIfSlow(action, request, startNanos);
                SqsError error = failure == null ? respond(exchange, jsonProtocol, action, value, requestId)
                        : respondError(exchange, jsonProtocol, failure, requestId);
                if (error == null) {
                    metrics.succeeded(action, value);
                }
                metrics.answered(action, jsonProtocol, receivedNanos, error);
            };
            // Written on the connection's I/O thread, never from the thread that completed it (a
            // queue facade thread): when another thread writes the answer, the I/O thread reading
            // the client's next request meanwhile spins until that thread has finished the exchange
            // (Undertow's HttpReadListener), and on a busy machine that thread may be descheduled.
            // Writing waited long polls' answers from the append thread (which saves waking the
            // I/O thread) put 12 % of the e2e phase's samples in that spin (RESULTS.md, sqs21).
            result.whenComplete((value, failure) -> {
                if (exchange.isInIoThread()) {
                    answer.accept(value, failure);
                } else {
                    exchange.getIoThread().execute(() -> answer.accept(value, failure));
                }
            });
        } catch (RuntimeException e) {
            metrics.answered(action, jsonProtocol, receivedNanos, respondError(exchange, jsonProtocol, e, requestId));
        }
    }

    /** A call other than a long poll that takes this long points at a stall worth finding. */
    private static void warnIfSlow(SqsAction action, SqsRequest request, long startNanos) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        if (ms > SLOW_CALL_MS && (action != SqsAction.RECEIVE_MESSAGE || ms > LONGEST_POLL_MS + SLOW_CALL_MS)) {
            LOG.warn("SQS {} (request {}) took {} ms", action.apiName(), request.requestId(), ms);
        }
    }

    private static boolean isJson(HttpServerExchange exchange) {
        return SqsRequestDecoder.isJson(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE));
    }

    private String host(HttpServerExchange exchange) {
        if (fixedHost != null) {
            return fixedHost;
        }
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        return host != null ? host : exchange.getHostAndPort();
    }

    private static SignedRequest signedRequest(HttpServerExchange exchange, byte[] body) {
        return new SignedRequest(exchange.getRequestMethod().toString(), exchange.getRequestURI(),
                exchange.getQueryString(), new RequestHeaders(exchange.getRequestHeaders()), body);
    }

    /**
     * The request's headers as the lower-case-named map {@link SignedRequest} asks for, read in
     * place: an authenticator looks up a few by name (with no access keys configured, only
     * {@code Authorization}), so copying every header of every request into a new map was waste.
     */
    private static final class RequestHeaders extends AbstractMap<String, List<String>> {

        private final HeaderMap headers;

        RequestHeaders(HeaderMap headers) {
            this.headers = headers;
        }

        @Override
        public List<String> get(Object name) {
            return name instanceof String text ? headers.get(text) : null; // Undertow's names ignore case
        }

        @Override
        public boolean containsKey(Object name) {
            return get(name) != null;
        }

        @Override
        public Set<Entry<String, List<String>>> entrySet() {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            for (HeaderValues values : headers) {
                copy.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), values);
            }
            return copy.entrySet();
        }
    }

    /** @return null, or the error answered instead when the result could not be written */
    private SqsError respond(HttpServerExchange exchange, boolean jsonProtocol, SqsAction action, ObjectNode result,
                             String requestId) {
        byte[] bytes;
        try {
            bytes = jsonProtocol ? json.writeValueAsBytes(result) : XmlResponses.result(action, result, requestId);
        } catch (JsonProcessingException | RuntimeException e) {
            return respondError(exchange, jsonProtocol, e, requestId);
        }
        send(exchange, 200, jsonProtocol, bytes, requestId);
        return null;
    }

    /** @return the error answered */
    private SqsError respondError(HttpServerExchange exchange, boolean jsonProtocol, Throwable failure, String requestId) {
        Throwable cause = SqsException.unwrap(failure);
        SqsException error;
        if (cause instanceof SqsException sqs) {
            error = sqs;
            if (sqs.error().malformedRequest()) {
                LOG.warn("SQS request {} from {} refused, {}: {}", requestId, exchange.getSourceAddress(),
                        sqs.error().queryCode(), sqs.getMessage());
            } else {
                // ordinary API answers (no such queue, bad parameter value) are the client's business
                LOG.debug("SQS request {} from {} answered {}: {}", requestId, exchange.getSourceAddress(),
                        sqs.error().queryCode(), sqs.getMessage());
            }
        } else {
            LOG.warn("SQS request {} from {} failed", requestId, exchange.getSourceAddress(), cause);
            error = new SqsException(SqsError.INTERNAL_ERROR, "We encountered an internal error. Please try again.");
        }
        byte[] bytes;
        if (jsonProtocol) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("__type", error.error().jsonType());
            body.put("message", error.getMessage());
            bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().put(QUERY_ERROR, error.error().queryErrorHeader());
        } else {
            bytes = XmlResponses.error(error.error(), error.getMessage(), requestId);
        }
        send(exchange, error.error().httpStatus(), jsonProtocol, bytes, requestId);
        return error.error();
    }

    private static void send(HttpServerExchange exchange, int status, boolean jsonProtocol, byte[] bytes,
                             String requestId) {
        if (exchange.isComplete() || exchange.isResponseStarted()) {
            return;
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, jsonProtocol ? JSON_CONTENT_TYPE : "text/xml");
        exchange.getResponseHeaders().put(REQUEST_ID, requestId);
        exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
    }
}
