package dev.trilog.kafka.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.log.EngineSettings;
import dev.trilog.log.LogEngine;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An idempotent producer's InitProducerId on a cluster node, whose ids come in blocks the cluster grants. */
class InitProducerIdHandlerTest {

    @TempDir
    Path dir;

    private static InitProducerIdResponseData initProducerId(ApiTable apis) throws Exception {
        InitProducerIdRequest request = new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(60_000)).build();
        return ((InitProducerIdResponse) apis.dispatch(KafkaTestApis.request(request)).get(30, TimeUnit.SECONDS)
                .response()).data();
    }

    @Test
    void aFailedGrantIsAnsweredRetriablyAndTheRetryGetsAnIdOfTheNextGrant() throws Exception {
        try (LogEngine engine = LogEngine.open(EngineSettings.of(dir))) {
            CompletableFuture<Long> refused = CompletableFuture.failedFuture(new IllegalStateException("no leader"));
            CompletableFuture<Long>[] grant = new CompletableFuture[] {refused};
            engine.takeProducerIdsFrom(size -> grant[0]);
            ApiTable apis = KafkaTestApis.apis(engine);

            InitProducerIdResponseData first = initProducerId(apis);
            grant[0] = CompletableFuture.completedFuture(42_000L);
            InitProducerIdResponseData retry = initProducerId(apis);

            assertThat(first.errorCode()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
            assertThat(Errors.forCode(first.errorCode()).exception()).isInstanceOf(
                    org.apache.kafka.common.errors.RetriableException.class);
            assertThat(retry.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(retry.producerId()).isEqualTo(42_000L);
            assertThat(retry.producerEpoch()).isZero();
        }
    }
}
