package dev.trilog.kafka.admin;

import dev.trilog.kafka.protocol.ApiHandler;
import dev.trilog.kafka.protocol.KafkaContext;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import dev.trilog.log.PartitionLog;
import dev.trilog.log.Topic;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;

/**
 * DescribeLogDirs: Trilog has one log directory, the data directory. Each partition asked for
 * (or every one) is reported with its size on disk; there are no followers or future logs, so
 * the offset lag is 0. From v4 the volume's total and usable bytes.
 */
final class DescribeLogDirsHandler implements ApiHandler {

    private final KafkaContext context;

    DescribeLogDirsHandler(KafkaContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Reply> handle(KafkaRequest request) {
        DescribeLogDirsRequestData data = ((DescribeLogDirsRequest) request.body()).data();
        Path dataDir = context.engine().settings().dataDir().toAbsolutePath();
        DescribeLogDirsResult dir = new DescribeLogDirsResult().setErrorCode(Errors.NONE.code())
                .setLogDir(dataDir.toString());
        volume(dir, dataDir);
        if (data.topics() == null) {
            for (Topic topic : context.engine().topics()) {
                add(dir, topic.name(), IntStream.range(0, topic.partitions()).boxed().toList());
            }
        } else {
            for (DescribableLogDirTopic topic : data.topics()) {
                add(dir, topic.topic(), topic.partitions());
            }
        }
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        response.results().add(dir);
        return CompletableFuture.completedFuture(Reply.of(new DescribeLogDirsResponse(response)));
    }

    /** Partitions that do not exist are left out, as Kafka leaves out replicas it does not host. */
    private void add(DescribeLogDirsResult dir, String topic, List<Integer> partitions) {
        DescribeLogDirsTopic described = new DescribeLogDirsTopic().setName(topic);
        for (int partition : partitions) {
            PartitionLog log = context.engine().partition(new TopicPartition(topic, partition));
            if (log != null) {
                described.partitions().add(new DescribeLogDirsPartition().setPartitionIndex(partition)
                        .setPartitionSize(log.sizeInBytes()).setOffsetLag(0).setIsFutureKey(false));
            }
        }
        if (!described.partitions().isEmpty()) {
            dir.topics().add(described);
        }
    }

    private static void volume(DescribeLogDirsResult dir, Path dataDir) {
        try {
            FileStore store = Files.getFileStore(dataDir);
            dir.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            dir.setTotalBytes(DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES)
                    .setUsableBytes(DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES);
        }
    }
}
