package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.routing.message.HeaderValue;
import dev.trilog.routing.message.Message;
import dev.trilog.routing.message.MessageProperties;
import dev.trilog.routing.queue.Publish;
import dev.trilog.routing.queue.PublishOptions;
import dev.trilog.routing.queue.PublishResult;
import dev.trilog.sqs.message.AttributeMapping;
import dev.trilog.sqs.message.MessageAttribute;
import dev.trilog.sqs.message.MessageDigests;
import dev.trilog.sqs.message.MessageValidation;
import dev.trilog.sqs.protocol.RandomIds;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import dev.trilog.sqs.protocol.SqsRequest;
import dev.trilog.sqs.queue.QueueAttributeRules;
import dev.trilog.sqs.queue.SqsQueue;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * SendMessage and SendMessageBatch: each message is checked against SQS's rules for its queue
 * kind, becomes a {@link Message} (body, attributes as typed headers, a new MessageId, the FIFO
 * group and deduplication id as properties) and is published through the queue facade, which
 * applies the delay, deduplication window and FIFO partitioning; the answer is sent once the
 * message is durable.
 */
final class SendActions {

    /** SendMessageBatch's limit on the sum of its messages' sizes. */
    static final int MAX_BATCH_BYTES = 1_048_576;
    /** Where an AWSTraceHeader system attribute travels: a reserved header other protocols keep as it is. */
    static final String TRACE_HEADER = Message.RESERVED_PREFIX + "sqs-aws-trace-header";
    /**
     * The body's MD5OfBody (hex), computed for the send's answer and kept with the message, so a
     * receive answers it without digesting the body again: that MD5 was 11 % of the broker's
     * samples in receive+delete (bench/sqs/RESULTS.md, sqs22). A message without it (published
     * by another protocol) is digested on receive.
     */
    static final String BODY_MD5_HEADER = Message.RESERVED_PREFIX + "sqs-md5-of-body";
    private static final Pattern ID_CHARACTERS =
            Pattern.compile("[A-Za-z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]{1,128}");

    private final QueueDirectory directory;

    SendActions(QueueDirectory directory) {
        this.directory = directory;
    }

    /** One message of a send, checked and ready to publish, with the digests its answer carries. */
    private record Prepared(Publish publish, String md5OfBody, String md5OfAttributes, String md5OfSystemAttributes,
                            long size) {
    }

    CompletableFuture<ObjectNode> sendMessage(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        Prepared prepared = prepare(queue, request.params());
        // written on this thread when a long poll waits and the queue is idle: nothing here waits,
        // and the message then reaches the poll without waking the facade's append thread
        return directory.queues().publishOnCallerThread(queue.name(), prepared.publish.message(),
                        prepared.publish.options())
                .thenApply(result -> answer(queue, prepared, result, JsonNodeFactory.instance.objectNode()));
    }

    CompletableFuture<ObjectNode> sendMessageBatch(SqsRequest request) {
        SqsQueue queue = directory.byUrl(request.params());
        List<SqsParams> entries = BatchEntries.entries(request.params(), "SendMessageBatchRequestEntry");
        BatchEntries batch = new BatchEntries();
        List<String> ids = new ArrayList<>();
        List<Prepared> valid = new ArrayList<>();
        long total = 0;
        for (SqsParams entry : entries) {
            String id = entry.requireString("Id");
            try {
                Prepared prepared = prepare(queue, entry);
                total += prepared.size;
                ids.add(id);
                valid.add(prepared);
            } catch (SqsException e) {
                batch.failed(id, e);
            }
        }
        if (total > MAX_BATCH_BYTES) {
            throw new SqsException(SqsError.BATCH_REQUEST_TOO_LONG, "Batch requests cannot be longer than "
                    + MAX_BATCH_BYTES + " bytes. You have sent " + total + " bytes.");
        }
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(batch.result());
        }
        List<Publish> publishes = valid.stream().map(Prepared::publish).toList();
        return directory.queues().publishAll(queue.name(), publishes).thenApply(results -> {
            for (int i = 0; i < results.size(); i++) {
                answer(queue, valid.get(i), results.get(i), batch.succeeded(ids.get(i)));
            }
            return batch.result();
        });
    }

    private Prepared prepare(SqsQueue queue, SqsParams params) {
        String body = params.string("MessageBody").orElse(null);
        MessageValidation.checkBody(body);
        // the body's one UTF-8 form, for its size, its MD5 and the message (which keeps the array):
        // well-formed, checkBody allows no lone surrogate
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, MessageAttribute> attributes = MessageValidation.attributes(params, "MessageAttributes");
        Map<String, MessageAttribute> system = MessageValidation.attributes(params, "MessageSystemAttributes");
        long size = MessageValidation.size(bodyBytes.length, attributes);
        MessageValidation.checkSize(size, queue.intAttribute(QueueAttributeRules.MAXIMUM_MESSAGE_SIZE));
        String groupId = params.string("MessageGroupId").orElse(null);
        String deduplicationId = params.string("MessageDeduplicationId").orElse(null);
        long delaySeconds = delaySeconds(queue, params);
        if (queue.fifo()) {
            if (groupId == null) {
                throw SqsException.missingParameter("MessageGroupId");
            }
            if (deduplicationId == null
                    && !"true".equals(queue.attribute(QueueAttributeRules.CONTENT_BASED_DEDUPLICATION))) {
                throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "The queue should either have"
                        + " ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
            }
        } else if (deduplicationId != null) {
            throw SqsException.invalidValue("MessageDeduplicationId", deduplicationId,
                    "The request includes a parameter that is not valid for this queue type.");
        }
        checkId("MessageGroupId", groupId);
        checkId("MessageDeduplicationId", deduplicationId);
        String md5OfBody = MessageDigests.ofBody(bodyBytes);
        Message.Builder message = Message.builder().body(bodyBytes)
                .headers(AttributeMapping.toHeaders(attributes))
                .properties(MessageProperties.builder().messageId(RandomIds.next()).build())
                .unknownProperty(BODY_MD5_HEADER, HeaderValue.ofString(md5OfBody));
        MessageAttribute trace = system.get("AWSTraceHeader");
        if (trace != null) {
            message.unknownProperty(TRACE_HEADER, HeaderValue.ofString(trace.stringValue()));
        }
        PublishOptions options = new PublishOptions(delaySeconds * 1000, deduplicationId, groupId);
        return new Prepared(new Publish(message.build(), options), md5OfBody,
                MessageDigests.ofAttributes(attributes), MessageDigests.ofAttributes(system), size);
    }

    private static long delaySeconds(SqsQueue queue, SqsParams params) {
        if (!params.has("DelaySeconds")) {
            return queue.intAttribute(QueueAttributeRules.DELAY_SECONDS);
        }
        int delay = params.integer("DelaySeconds", 0, 900).orElseThrow();
        if (queue.fifo()) {
            throw SqsException.invalidValue("DelaySeconds", delay,
                    "The request include parameter that is not valid for this queue type");
        }
        return delay;
    }

    private static void checkId(String name, String value) {
        if (value != null && !ID_CHARACTERS.matcher(value).matches()) {
            throw SqsException.invalidValue(name, value, name + " can only include alphanumeric and punctuation"
                    + " characters. 1 to 128 in length.");
        }
    }

    private static ObjectNode answer(SqsQueue queue, Prepared prepared, PublishResult result, ObjectNode out) {
        out.put("MessageId", result.messageId());
        out.put("MD5OfMessageBody", prepared.md5OfBody);
        if (prepared.md5OfAttributes != null) {
            out.put("MD5OfMessageAttributes", prepared.md5OfAttributes);
        }
        if (prepared.md5OfSystemAttributes != null) {
            out.put("MD5OfMessageSystemAttributes", prepared.md5OfSystemAttributes);
        }
        if (queue.fifo()) {
            out.put("SequenceNumber", sequenceNumber(result.partition(), result.offset()));
        }
        return out;
    }

    /** A FIFO SequenceNumber: grows with the offset within a partition, which holds all of a group. */
    static String sequenceNumber(int partition, long offset) {
        return BigInteger.valueOf(partition).shiftLeft(64).add(BigInteger.valueOf(offset)).toString();
    }
}
