package dev.trilog.compat.sqs;

import com.amazonaws.AmazonClientException;
import com.amazonaws.AmazonServiceException;
import com.amazonaws.ClientConfiguration;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.sqs.AmazonSQS;
import com.amazonaws.services.sqs.AmazonSQSClientBuilder;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.AddPermissionRequest;
import software.amazon.awssdk.services.sqs.model.AddPermissionResponse;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.CancelMessageMoveTaskRequest;
import software.amazon.awssdk.services.sqs.model.CancelMessageMoveTaskResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.DeleteQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteQueueResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListDeadLetterSourceQueuesResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksRequest;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResponse;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsRequest;
import software.amazon.awssdk.services.sqs.model.ListQueueTagsResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.PurgeQueueRequest;
import software.amazon.awssdk.services.sqs.model.PurgeQueueResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.RemovePermissionRequest;
import software.amazon.awssdk.services.sqs.model.RemovePermissionResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskRequest;
import software.amazon.awssdk.services.sqs.model.StartMessageMoveTaskResponse;
import software.amazon.awssdk.services.sqs.model.TagQueueRequest;
import software.amazon.awssdk.services.sqs.model.TagQueueResponse;
import software.amazon.awssdk.services.sqs.model.UntagQueueRequest;
import software.amazon.awssdk.services.sqs.model.UntagQueueResponse;

/**
 * aws-sdk-java-v2's {@link SqsClient} interface, answered by aws-java-sdk-sqs 1.12.583, the last
 * Java SDK that speaks the Query protocol to SQS (form-encoded requests, sent to the queue URL as
 * that SDK does, signed with SigV4; XML answers; its own MD5 checks of bodies and attributes). So
 * the same test runs over Query with no change but the client.
 *
 * <p>Only fields are copied here, between the two SDKs' model classes: every byte on the wire is
 * the v1 SDK's. Its errors become the v2 exception of the same name (the v1 SDK picks its class
 * from the Query error code, as v2 picks from the JSON shape), with the Query code as the error
 * code, which is also what v2 reports from JSON's {@code x-amzn-query-error} header. Its
 * ReceiveMessage has no MessageSystemAttributeNames: system attribute names go as AttributeName,
 * as every Query client sends them.
 */
final class QuerySqsClient implements SqsClient {

    private static final String V2_MODEL = "software.amazon.awssdk.services.sqs.model.";

    private final AmazonSQS v1;

    private QuerySqsClient(AmazonSQS v1) {
        this.v1 = v1;
    }

    static QuerySqsClient create(URI endpoint, String accessKey, String secretKey) {
        System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        return new QuerySqsClient(AmazonSQSClientBuilder.standard()
                .withEndpointConfiguration(new EndpointConfiguration(endpoint.toString(), "us-east-1"))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, secretKey)))
                .withClientConfiguration(new ClientConfiguration().withSocketTimeout(30_000))
                .build());
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        v1.shutdown();
    }

    /** Runs a v1 call, turning its failure into what the v2 client would throw. */
    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (AmazonServiceException e) {
            throw v2Exception(e);
        } catch (AmazonClientException e) {
            throw SdkClientException.create(e.getMessage(), e);
        }
    }

    private static SqsException v2Exception(AmazonServiceException e) {
        String name = e.getClass().getSimpleName();
        SqsException.Builder builder;
        try {
            builder = name.equals("AmazonSQSException") ? SqsException.builder()
                    : (SqsException.Builder) Class.forName(V2_MODEL + name).getMethod("builder").invoke(null);
        } catch (ReflectiveOperationException | ClassCastException notInV2) {
            builder = SqsException.builder();
        }
        return (SqsException) builder.message(e.getErrorMessage()).statusCode(e.getStatusCode())
                .requestId(e.getRequestId())
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(e.getErrorCode())
                        .errorMessage(e.getErrorMessage()).serviceName(SERVICE_NAME).build())
                .cause(e).build();
    }

    // ------------------------------------------------------------------ queues

    @Override
    public CreateQueueResponse createQueue(CreateQueueRequest r) {
        var request = new com.amazonaws.services.sqs.model.CreateQueueRequest(r.queueName());
        if (r.hasAttributes()) {
            request.setAttributes(r.attributesAsStrings());
        }
        if (r.hasTags()) {
            request.setTags(r.tags());
        }
        return CreateQueueResponse.builder().queueUrl(call(() -> v1.createQueue(request)).getQueueUrl()).build();
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest r) {
        var request = new com.amazonaws.services.sqs.model.GetQueueUrlRequest(r.queueName());
        request.setQueueOwnerAWSAccountId(r.queueOwnerAWSAccountId());
        return GetQueueUrlResponse.builder().queueUrl(call(() -> v1.getQueueUrl(request)).getQueueUrl()).build();
    }

    @Override
    public ListQueuesResponse listQueues(ListQueuesRequest r) {
        var request = new com.amazonaws.services.sqs.model.ListQueuesRequest(r.queueNamePrefix());
        request.setMaxResults(r.maxResults());
        request.setNextToken(r.nextToken());
        var result = call(() -> v1.listQueues(request));
        return ListQueuesResponse.builder().queueUrls(result.getQueueUrls()).nextToken(result.getNextToken()).build();
    }

    @Override
    public DeleteQueueResponse deleteQueue(DeleteQueueRequest r) {
        call(() -> v1.deleteQueue(r.queueUrl()));
        return DeleteQueueResponse.builder().build();
    }

    @Override
    public PurgeQueueResponse purgeQueue(PurgeQueueRequest r) {
        call(() -> v1.purgeQueue(new com.amazonaws.services.sqs.model.PurgeQueueRequest(r.queueUrl())));
        return PurgeQueueResponse.builder().build();
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest r) {
        var request = new com.amazonaws.services.sqs.model.GetQueueAttributesRequest(r.queueUrl());
        if (r.hasAttributeNames()) {
            request.setAttributeNames(r.attributeNamesAsStrings());
        }
        return GetQueueAttributesResponse.builder()
                .attributesWithStrings(call(() -> v1.getQueueAttributes(request)).getAttributes()).build();
    }

    @Override
    public SetQueueAttributesResponse setQueueAttributes(SetQueueAttributesRequest r) {
        call(() -> v1.setQueueAttributes(r.queueUrl(), r.attributesAsStrings()));
        return SetQueueAttributesResponse.builder().build();
    }

    @Override
    public TagQueueResponse tagQueue(TagQueueRequest r) {
        call(() -> v1.tagQueue(r.queueUrl(), r.tags()));
        return TagQueueResponse.builder().build();
    }

    @Override
    public UntagQueueResponse untagQueue(UntagQueueRequest r) {
        call(() -> v1.untagQueue(r.queueUrl(), r.tagKeys()));
        return UntagQueueResponse.builder().build();
    }

    @Override
    public ListQueueTagsResponse listQueueTags(ListQueueTagsRequest r) {
        return ListQueueTagsResponse.builder().tags(call(() -> v1.listQueueTags(r.queueUrl())).getTags()).build();
    }

    @Override
    public AddPermissionResponse addPermission(AddPermissionRequest r) {
        call(() -> v1.addPermission(r.queueUrl(), r.label(), r.awsAccountIds(), r.actions()));
        return AddPermissionResponse.builder().build();
    }

    @Override
    public RemovePermissionResponse removePermission(RemovePermissionRequest r) {
        call(() -> v1.removePermission(r.queueUrl(), r.label()));
        return RemovePermissionResponse.builder().build();
    }

    @Override
    public ListDeadLetterSourceQueuesResponse listDeadLetterSourceQueues(ListDeadLetterSourceQueuesRequest r) {
        var request = new com.amazonaws.services.sqs.model.ListDeadLetterSourceQueuesRequest();
        request.setQueueUrl(r.queueUrl());
        request.setMaxResults(r.maxResults());
        request.setNextToken(r.nextToken());
        var result = call(() -> v1.listDeadLetterSourceQueues(request));
        return ListDeadLetterSourceQueuesResponse.builder().queueUrls(result.getQueueUrls())
                .nextToken(result.getNextToken()).build();
    }

    @Override
    public StartMessageMoveTaskResponse startMessageMoveTask(StartMessageMoveTaskRequest r) {
        var request = new com.amazonaws.services.sqs.model.StartMessageMoveTaskRequest();
        request.setSourceArn(r.sourceArn());
        request.setDestinationArn(r.destinationArn());
        request.setMaxNumberOfMessagesPerSecond(r.maxNumberOfMessagesPerSecond());
        return StartMessageMoveTaskResponse.builder()
                .taskHandle(call(() -> v1.startMessageMoveTask(request)).getTaskHandle()).build();
    }

    @Override
    public ListMessageMoveTasksResponse listMessageMoveTasks(ListMessageMoveTasksRequest r) {
        var request = new com.amazonaws.services.sqs.model.ListMessageMoveTasksRequest();
        request.setSourceArn(r.sourceArn());
        request.setMaxResults(r.maxResults());
        List<ListMessageMoveTasksResultEntry> results = call(() -> v1.listMessageMoveTasks(request)).getResults()
                .stream().map(t -> ListMessageMoveTasksResultEntry.builder().taskHandle(t.getTaskHandle())
                        .status(t.getStatus()).sourceArn(t.getSourceArn()).destinationArn(t.getDestinationArn())
                        .maxNumberOfMessagesPerSecond(t.getMaxNumberOfMessagesPerSecond())
                        .approximateNumberOfMessagesMoved(t.getApproximateNumberOfMessagesMoved())
                        .approximateNumberOfMessagesToMove(t.getApproximateNumberOfMessagesToMove())
                        .failureReason(t.getFailureReason()).startedTimestamp(t.getStartedTimestamp()).build())
                .toList();
        return ListMessageMoveTasksResponse.builder().results(results).build();
    }

    @Override
    public CancelMessageMoveTaskResponse cancelMessageMoveTask(CancelMessageMoveTaskRequest r) {
        var request = new com.amazonaws.services.sqs.model.CancelMessageMoveTaskRequest();
        request.setTaskHandle(r.taskHandle());
        return CancelMessageMoveTaskResponse.builder().approximateNumberOfMessagesMoved(
                call(() -> v1.cancelMessageMoveTask(request)).getApproximateNumberOfMessagesMoved()).build();
    }

    // ------------------------------------------------------------------ messages

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest r) {
        var request = new com.amazonaws.services.sqs.model.SendMessageRequest(r.queueUrl(), r.messageBody());
        request.setDelaySeconds(r.delaySeconds());
        if (r.hasMessageAttributes()) {
            request.setMessageAttributes(toV1(r.messageAttributes(), QuerySqsClient::toV1));
        }
        if (r.hasMessageSystemAttributes()) {
            request.setMessageSystemAttributes(toV1(r.messageSystemAttributesAsStrings(), QuerySqsClient::toV1));
        }
        request.setMessageDeduplicationId(r.messageDeduplicationId());
        request.setMessageGroupId(r.messageGroupId());
        var result = call(() -> v1.sendMessage(request));
        return SendMessageResponse.builder().messageId(result.getMessageId())
                .md5OfMessageBody(result.getMD5OfMessageBody())
                .md5OfMessageAttributes(result.getMD5OfMessageAttributes())
                .md5OfMessageSystemAttributes(result.getMD5OfMessageSystemAttributes())
                .sequenceNumber(result.getSequenceNumber()).build();
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest r) {
        var request = new com.amazonaws.services.sqs.model.SendMessageBatchRequest(r.queueUrl());
        request.setEntries(r.entries().stream().map(QuerySqsClient::toV1).toList());
        var result = call(() -> v1.sendMessageBatch(request));
        return SendMessageBatchResponse.builder()
                .successful(result.getSuccessful().stream().map(e -> SendMessageBatchResultEntry.builder()
                        .id(e.getId()).messageId(e.getMessageId()).md5OfMessageBody(e.getMD5OfMessageBody())
                        .md5OfMessageAttributes(e.getMD5OfMessageAttributes())
                        .md5OfMessageSystemAttributes(e.getMD5OfMessageSystemAttributes())
                        .sequenceNumber(e.getSequenceNumber()).build()).toList())
                .failed(failed(result.getFailed())).build();
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest r) {
        var request = new com.amazonaws.services.sqs.model.ReceiveMessageRequest(r.queueUrl());
        request.setMaxNumberOfMessages(r.maxNumberOfMessages());
        request.setVisibilityTimeout(r.visibilityTimeout());
        request.setWaitTimeSeconds(r.waitTimeSeconds());
        request.setReceiveRequestAttemptId(r.receiveRequestAttemptId());
        List<String> systemAttributes = new java.util.ArrayList<>();
        if (r.hasAttributeNames()) {
            systemAttributes.addAll(r.attributeNamesAsStrings());
        }
        if (r.hasMessageSystemAttributeNames()) {
            systemAttributes.addAll(r.messageSystemAttributeNamesAsStrings());
        }
        if (!systemAttributes.isEmpty()) {
            request.setAttributeNames(systemAttributes);
        }
        if (r.hasMessageAttributeNames()) {
            request.setMessageAttributeNames(r.messageAttributeNames());
        }
        List<Message> messages = call(() -> v1.receiveMessage(request)).getMessages().stream()
                .map(QuerySqsClient::toV2).toList();
        return ReceiveMessageResponse.builder().messages(messages).build();
    }

    @Override
    public DeleteMessageResponse deleteMessage(DeleteMessageRequest r) {
        call(() -> v1.deleteMessage(r.queueUrl(), r.receiptHandle()));
        return DeleteMessageResponse.builder().build();
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest r) {
        var request = new com.amazonaws.services.sqs.model.DeleteMessageBatchRequest(r.queueUrl(), r.entries().stream()
                .map(e -> new com.amazonaws.services.sqs.model.DeleteMessageBatchRequestEntry(e.id(), e.receiptHandle()))
                .toList());
        var result = call(() -> v1.deleteMessageBatch(request));
        return DeleteMessageBatchResponse.builder()
                .successful(result.getSuccessful().stream()
                        .map(e -> DeleteMessageBatchResultEntry.builder().id(e.getId()).build()).toList())
                .failed(failed(result.getFailed())).build();
    }

    @Override
    public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest r) {
        call(() -> v1.changeMessageVisibility(r.queueUrl(), r.receiptHandle(), r.visibilityTimeout()));
        return ChangeMessageVisibilityResponse.builder().build();
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest r) {
        var request = new com.amazonaws.services.sqs.model.ChangeMessageVisibilityBatchRequest(r.queueUrl(),
                r.entries().stream().map(e -> new com.amazonaws.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry(
                        e.id(), e.receiptHandle()).withVisibilityTimeout(e.visibilityTimeout())).toList());
        var result = call(() -> v1.changeMessageVisibilityBatch(request));
        return ChangeMessageVisibilityBatchResponse.builder()
                .successful(result.getSuccessful().stream()
                        .map(e -> ChangeMessageVisibilityBatchResultEntry.builder().id(e.getId()).build()).toList())
                .failed(failed(result.getFailed())).build();
    }

    // ------------------------------------------------------------------ model conversions

    private static List<BatchResultErrorEntry> failed(List<com.amazonaws.services.sqs.model.BatchResultErrorEntry> v1) {
        return v1.stream().map(f -> BatchResultErrorEntry.builder().id(f.getId()).senderFault(f.getSenderFault())
                .code(f.getCode()).message(f.getMessage()).build()).toList();
    }

    private static com.amazonaws.services.sqs.model.SendMessageBatchRequestEntry toV1(SendMessageBatchRequestEntry e) {
        var entry = new com.amazonaws.services.sqs.model.SendMessageBatchRequestEntry(e.id(), e.messageBody());
        entry.setDelaySeconds(e.delaySeconds());
        if (e.hasMessageAttributes()) {
            entry.setMessageAttributes(toV1(e.messageAttributes(), QuerySqsClient::toV1));
        }
        if (e.hasMessageSystemAttributes()) {
            entry.setMessageSystemAttributes(toV1(e.messageSystemAttributesAsStrings(), QuerySqsClient::toV1));
        }
        entry.setMessageDeduplicationId(e.messageDeduplicationId());
        entry.setMessageGroupId(e.messageGroupId());
        return entry;
    }

    private static <A, B> Map<String, B> toV1(Map<String, A> values, Function<A, B> convert) {
        Map<String, B> out = new LinkedHashMap<>();
        values.forEach((name, value) -> out.put(name, convert.apply(value)));
        return out;
    }

    private static com.amazonaws.services.sqs.model.MessageAttributeValue toV1(MessageAttributeValue v) {
        var value = new com.amazonaws.services.sqs.model.MessageAttributeValue().withDataType(v.dataType())
                .withStringValue(v.stringValue());
        if (v.binaryValue() != null) {
            value.setBinaryValue(v.binaryValue().asByteBuffer());
        }
        if (v.hasStringListValues()) {
            value.setStringListValues(v.stringListValues());
        }
        if (v.hasBinaryListValues()) {
            value.setBinaryListValues(v.binaryListValues().stream().map(SdkBytes::asByteBuffer).toList());
        }
        return value;
    }

    private static com.amazonaws.services.sqs.model.MessageSystemAttributeValue toV1(MessageSystemAttributeValue v) {
        var value = new com.amazonaws.services.sqs.model.MessageSystemAttributeValue().withDataType(v.dataType())
                .withStringValue(v.stringValue());
        if (v.binaryValue() != null) {
            value.setBinaryValue(v.binaryValue().asByteBuffer());
        }
        return value;
    }

    private static Message toV2(com.amazonaws.services.sqs.model.Message m) {
        Message.Builder message = Message.builder().messageId(m.getMessageId()).receiptHandle(m.getReceiptHandle())
                .md5OfBody(m.getMD5OfBody()).body(m.getBody())
                .md5OfMessageAttributes(m.getMD5OfMessageAttributes());
        if (!m.getAttributes().isEmpty()) {
            message.attributesWithStrings(m.getAttributes());
        }
        if (!m.getMessageAttributes().isEmpty()) {
            Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
            m.getMessageAttributes().forEach((name, value) -> attributes.put(name, toV2(value)));
            message.messageAttributes(attributes);
        }
        return message.build();
    }

    private static MessageAttributeValue toV2(com.amazonaws.services.sqs.model.MessageAttributeValue v) {
        MessageAttributeValue.Builder value = MessageAttributeValue.builder().dataType(v.getDataType())
                .stringValue(v.getStringValue());
        if (v.getBinaryValue() != null) {
            value.binaryValue(bytes(v.getBinaryValue()));
        }
        if (!v.getStringListValues().isEmpty()) {
            value.stringListValues(v.getStringListValues());
        }
        if (!v.getBinaryListValues().isEmpty()) {
            value.binaryListValues(v.getBinaryListValues().stream().map(QuerySqsClient::bytes).toList());
        }
        return value.build();
    }

    private static SdkBytes bytes(ByteBuffer buffer) {
        return SdkBytes.fromByteBuffer(buffer.duplicate());
    }
}
