package dev.trilog.log;

/**
 * A consumer group's committed position in one partition.
 *
 * @param offset          the next offset the group will read
 * @param leaderEpoch     the leader epoch the client saw, or -1
 * @param metadata        the client's free-form metadata string
 * @param commitTimestamp when the commit was stored (broker time)
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestamp) {

    public CommittedOffset {
        metadata = metadata == null ? "" : metadata;
    }
}
