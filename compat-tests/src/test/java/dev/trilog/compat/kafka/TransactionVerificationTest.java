package dev.trilog.compat.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.compat.TrilogHarness;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-890 part 1 over the wire: a transactional batch for a partition its producer never added
 * to the transaction is refused with {@code INVALID_TXN_STATE} and not written, so it cannot
 * leave a hanging transaction that holds read_committed consumers back; once added, the same
 * batch is taken. The Java client always adds first, so the stray write is sent by hand.
 */
class TransactionVerificationTest {

    private static final String TXN_ID = "stray-writer";

    @TempDir
    java.nio.file.Path dataDir;

    private TrilogHarness trilog;

    @BeforeEach
    void start() throws Exception {
        trilog = TrilogHarness.start(dataDir);
        try (Admin admin = KafkaClients.admin(trilog.kafkaBootstrap())) {
            admin.createTopics(List.of(new NewTopic("verified", 1, (short) 1))).all().get();
        }
    }

    @AfterEach
    void stop() {
        trilog.close();
    }

    @Test
    void aTransactionalWriteToAPartitionNotInTheTransactionIsRefused() throws Exception {
        TopicPartition tp = new TopicPartition("verified", 0);
        try (RawKafkaClient raw = new RawKafkaClient(trilog.kafkaBootstrap())) {
            InitProducerIdResponse init = raw.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(TXN_ID).setTransactionTimeoutMs(60_000)
                    .setProducerId(-1).setProducerEpoch((short) -1)), 4);
            assertThat(init.error()).isEqualTo(Errors.NONE);
            long producerId = init.data().producerId();
            short epoch = init.data().producerEpoch();
            PartitionProduceResponse stray = raw.produce(tp, batch(producerId, epoch), (short) -1, TXN_ID);
            assertThat(Errors.forCode(stray.errorCode())).isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(stray.errorMessage()).isEqualTo("Partition was not added to the transaction");

            AddPartitionsToTxnResponse added = raw.send(AddPartitionsToTxnRequest.Builder.forClient(TXN_ID, producerId,
                    epoch, List.of(tp)), 3);
            assertThat(added.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(tp))
                    .isEqualTo(Errors.NONE);
            PartitionProduceResponse accepted = raw.produce(tp, batch(producerId, epoch), (short) -1, TXN_ID);
            assertThat(Errors.forCode(accepted.errorCode())).isEqualTo(Errors.NONE);
            assertThat(accepted.baseOffset()).isZero(); // the refused write took no offset

            EndTxnResponse ended = raw.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(TXN_ID)
                    .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(true), false), 4);
            assertThat(ended.error()).isEqualTo(Errors.NONE);
        }

        List<ConsumerRecord<String, String>> committed = KafkaClients.readAll(trilog.kafkaBootstrap(), List.of(tp), 1,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        assertThat(committed).extracting(ConsumerRecord::value).containsExactly("v");
    }

    private static MemoryRecords batch(long producerId, short epoch) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, 0,
                new SimpleRecord("k".getBytes(), "v".getBytes()));
    }
}
