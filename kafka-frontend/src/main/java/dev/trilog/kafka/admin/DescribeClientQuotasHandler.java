package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.requests.DescribeClientQuotasResponse;

/**
 * DescribeClientQuotas, truthfully empty: Trilog keeps and enforces no client quotas
 * (AlterClientQuotas is not offered). {@code kafka-configs --describe --entity-type users} asks
 * for quotas beside a user's SCRAM credentials and would fail without an answer.
 */
final class DescribeClientQuotasHandler implements ApiHandler {

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        return CompletableFuture.completedFuture(Reply.of(new DescribeClientQuotasResponse(
                new DescribeClientQuotasResponseData().setEntries(List.of()))));
    }
}
