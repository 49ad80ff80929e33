package dev.trilog.log;

import java.util.List;

/**
 * The engine's state at one instant, as files hard-linked into a directory by
 * {@link LogEngine#checkpoint}: what a replicated node sends a node that lost its data directory
 * (a Raft snapshot), and what {@link LogEngine.Replica#install} takes.
 *
 * @param topics the topics at that instant, with their ids and config overrides
 * @param files  every file, by its path relative to the checkpoint directory
 *               ({@code <topic>-<partition>/<file>}), and how many of its bytes belong to it: a
 *               link of an active segment goes on growing after the checkpoint, and only its
 *               first {@code length} bytes are the state at that instant
 */
public record EngineCheckpoint(List<Topic> topics, List<File> files) {

    public EngineCheckpoint {
        topics = List.copyOf(topics);
        files = List.copyOf(files);
    }

    /** One file of a checkpoint and the length that belongs to it. */
    public record File(String path, long length) {
    }

    /** The bytes the checkpoint's files hold. */
    public long bytes() {
        return files.stream().mapToLong(File::length).sum();
    }
}
