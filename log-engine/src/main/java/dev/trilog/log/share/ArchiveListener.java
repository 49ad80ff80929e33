package dev.trilog.log.share;

/** Told when a share cursor gives a record up, so a dead-letter policy can take it. */
@FunctionalInterface
public interface ArchiveListener {

    /** Why a record was archived. */
    enum Reason { REJECTED, DELIVERY_LIMIT }

    /**
     * Called while the cursor is locked: hand the work to another thread, do not call back into
     * the cursor.
     */
    void archived(String group, long offset, Reason reason);

    ArchiveListener NONE = (group, offset, reason) -> { };
}
