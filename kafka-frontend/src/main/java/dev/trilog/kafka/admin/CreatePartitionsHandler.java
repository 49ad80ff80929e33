package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.ErrorMapping;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.Topic;
import dev.trilog.log.UnknownTopicException;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

/**
 * CreatePartitions: grows a topic to a larger partition count (never shrinks it), optionally
 * only validating. Manual assignments must give one replica list per new partition, each this
 * node alone. A request adding more than {@link PartitionsPerRequest#MAX} partitions in all is
 * refused whole, as CreateTopics.
 */
final class CreatePartitionsHandler implements ApiHandler {

    private final KafkaContext context;

    CreatePartitionsHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        CreatePartitionsRequestData data = ((CreatePartitionsRequest) request.body()).data();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (CreatePartitionsTopic topic : data.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        boolean tooMany = PartitionsPerRequest.exceeded(data.topics().stream()
                .filter(topic -> !duplicates.contains(topic.name()))
                .mapToLong(this::adding).sum());
        for (CreatePartitionsTopic topic : data.topics()) {
            if (!duplicates.contains(topic.name())) {
                response.results().add(tooMany ? new CreatePartitionsTopicResult().setName(topic.name())
                        .setErrorCode(Errors.POLICY_VIOLATION.code()).setErrorMessage(PartitionsPerRequest.MESSAGE)
                        : grow(topic, data.validateOnly()));
            }
        }
        for (String name : duplicates) {
            response.results().add(new CreatePartitionsTopicResult().setName(name)
                    .setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Duplicate topic name."));
        }
        return CompletableFuture.completedFuture(Reply.of(new CreatePartitionsResponse(response)));
    }

    /** How many partitions the request would add to the topic (0 for a topic unknown or not growing). */
    private long adding(CreatePartitionsTopic asked) {
        return context.engine().topic(asked.name()).map(t -> Math.max(0L, (long) asked.count() - t.partitions()))
                .orElse(0L);
    }

    private CreatePartitionsTopicResult grow(CreatePartitionsTopic asked, boolean validateOnly) {
        CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(asked.name());
        try {
            Optional<Topic> topic = context.engine().topic(asked.name());
            if (topic.isEmpty()) {
                return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
            int current = topic.get().partitions();
            int wanted = asked.count();
            if (wanted < current) {
                throw new InvalidPartitionsException("The topic " + asked.name() + " currently has " + current
                        + " partition(s); " + wanted + " would not be an increase.");
            }
            if (wanted == current) {
                throw new InvalidPartitionsException("Topic already has " + current + " partition(s).");
            }
            if (asked.assignments() != null) {
                int adding = wanted - current;
                if (asked.assignments().size() != adding) {
                    throw new InvalidReplicaAssignmentException("Attempted to add " + adding
                            + " additional partition(s), but only " + asked.assignments().size()
                            + " assignment(s) were specified.");
                }
                for (CreatePartitionsAssignment assignment : asked.assignments()) {
                    Replicas.check(assignment.brokerIds(), context.routing().replicas());
                }
            }
            if (!validateOnly) {
                context.engine().createPartitions(asked.name(), wanted);
            }
            return result.setErrorCode(Errors.NONE.code());
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        } catch (UnknownTopicException e) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } catch (IllegalArgumentException e) {
            // grown by a concurrent request since we looked
            return result.setErrorCode(Errors.INVALID_PARTITIONS.code()).setErrorMessage(e.getMessage());
        } catch (IOException | RuntimeException e) {
            return result.setErrorCode(ErrorMapping.toError(e).code()).setErrorMessage(e.getMessage());
        }
    }
}
