package dev.trilog.routing.queue;

import dev.trilog.log.share.Outcome;

/**
 * The answer to settling one delivery ({@link Queues#settle}, acknowledge, release, reject, a
 * lock change): whether the tag still named the message's current delivery.
 */
public enum SettleResult {
    /** Done. */
    OK,
    /** The message was delivered again since this tag was handed out: nothing changed. */
    STALE,
    /** The message is not held right now (its lock ran out, or it was released). */
    NOT_ACQUIRED,
    /** No such message in flight: already acknowledged, dead-lettered or purged, never delivered, or no such queue. */
    UNKNOWN;

    /** The share cursor's answer in routing's terms (the engine's type stays out of routing's API). */
    static SettleResult of(Outcome outcome) {
        return switch (outcome) {
            case OK -> OK;
            case STALE -> STALE;
            case NOT_ACQUIRED -> NOT_ACQUIRED;
            case UNKNOWN -> UNKNOWN;
        };
    }
}
