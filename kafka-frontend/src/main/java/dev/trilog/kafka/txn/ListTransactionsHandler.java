package dev.trilog.kafka.txn;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsResponse;

/**
 * ListTransactions ({@code kafka-transactions.sh list}): every transactional id, filtered by
 * state, producer id, how long the open transaction has run (v1+) and an id pattern (v2+).
 * Unknown state names are reported back, as Kafka does.
 */
final class ListTransactionsHandler implements ApiHandler {

    private final TransactionCoordinator coordinator;

    ListTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        ListTransactionsRequestData data = ((ListTransactionsRequest) request.body()).data();
        ListTransactionsResponseData response = new ListTransactionsResponseData();
        Set<String> states = new HashSet<>();
        for (String state : data.stateFilters()) {
            if (TransactionCoordinator.isKnownState(state)) {
                states.add(state);
            } else {
                response.unknownStateFilters().add(state);
            }
        }
        Set<Long> producerIds = new HashSet<>(data.producerIdFilters());
        Predicate<TransactionView> filter = view -> (data.stateFilters().isEmpty() || states.contains(view.state()))
                && (producerIds.isEmpty() || producerIds.contains(view.producerId()));
        long now = coordinator.nowMs();
        if (data.durationFilter() >= 0) {
            long duration = data.durationFilter();
            filter = filter.and(view -> view.startTimeMs() >= 0 && now - view.startTimeMs() > duration);
        }
        String pattern = data.transactionalIdPattern();
        if (pattern != null && !pattern.isEmpty()) {
            try {
                Pattern compiled = Pattern.compile(pattern);
                filter = filter.and(view -> compiled.matcher(view.transactionalId()).matches());
            } catch (PatternSyntaxException e) {
                response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code());
                return CompletableFuture.completedFuture(Reply.of(new ListTransactionsResponse(response)));
            }
        }
        List<TransactionView> views = coordinator.list(filter);
        for (TransactionView view : views) {
            response.transactionStates().add(new TransactionState().setTransactionalId(view.transactionalId())
                    .setProducerId(view.producerId()).setTransactionState(view.state()));
        }
        return CompletableFuture.completedFuture(Reply.of(new ListTransactionsResponse(response)));
    }
}
