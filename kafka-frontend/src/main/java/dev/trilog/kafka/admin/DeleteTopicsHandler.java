package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ErrorMapping;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.Topic;
import dev.trilog.log.UnknownTopicException;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/**
 * DeleteTopics: by name, and from v6 by topic ID. The data goes at once; a reader in the middle
 * of a fetch finishes the slice it holds.
 */
final class DeleteTopicsHandler implements ApiHandler {

    private final KafkaContext context;

    DeleteTopicsHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DeleteTopicsRequestData data = ((DeleteTopicsRequest) request.body()).data();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        if (request.version() >= 6) {
            for (DeleteTopicState state : data.topics()) {
                response.responses().add(state.name() != null ? byName(state.name(), state.topicId()) : byId(state.topicId()));
            }
        } else {
            for (String name : data.topicNames()) {
                response.responses().add(byName(name, Uuid.ZERO_UUID));
            }
        }
        return CompletableFuture.completedFuture(Reply.of(new DeleteTopicsResponse(response)));
    }

    private DeletableTopicResult byName(String name, Uuid alsoGivenId) {
        if (alsoGivenId != null && !Uuid.ZERO_UUID.equals(alsoGivenId)) {
            return new DeletableTopicResult().setName(name).setTopicId(alsoGivenId)
                    .setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("You may not specify both topic name and topic id.");
        }
        Optional<Topic> topic = context.engine().topic(name);
        return delete(name, topic.map(Topic::id).orElse(Uuid.ZERO_UUID), Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    private DeletableTopicResult byId(Uuid id) {
        Optional<Topic> topic = id == null || Uuid.ZERO_UUID.equals(id) ? Optional.empty() : context.engine().topicById(id);
        if (topic.isEmpty()) {
            return new DeletableTopicResult().setName(null).setTopicId(id == null ? Uuid.ZERO_UUID : id)
                    .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        }
        return delete(topic.get().name(), id, Errors.UNKNOWN_TOPIC_ID);
    }

    private DeletableTopicResult delete(String name, Uuid id, Errors whenUnknown) {
        DeletableTopicResult result = new DeletableTopicResult().setName(name).setTopicId(id);
        try {
            context.engine().deleteTopic(name);
            return result.setErrorCode(Errors.NONE.code());
        } catch (UnknownTopicException e) {
            return result.setErrorCode(whenUnknown.code());
        } catch (IOException | RuntimeException e) {
            return result.setErrorCode(ErrorMapping.toError(e).code()).setErrorMessage(e.getMessage());
        }
    }
}
