package dev.trilog.kafka.share;

import org.apache.kafka.common.Uuid;

/** A partition as the share APIs name it: by topic ID and index. */
record SharePartition(Uuid topicId, int partition) {
}
