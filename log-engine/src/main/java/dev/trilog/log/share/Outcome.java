package dev.trilog.log.share;

/** The answer to acknowledge, release, reject or a lock change on one record. */
public enum Outcome {
    /** Done. */
    OK,
    /** The record was acquired again since (the caller's acquisition number is old): nothing changed. */
    STALE,
    /** The record is not acquired right now (its lock expired, or it was released). */
    NOT_ACQUIRED,
    /** No such in-flight record: already acknowledged or archived, or never delivered. */
    UNKNOWN
}
