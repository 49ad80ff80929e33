package dev.trilog.kafka.share;

import java.util.Optional;

/** KIP-932's acknowledge types, as ShareFetch and ShareAcknowledge carry them. */
enum ShareAcknowledgement {
    /** An offset with no record (compacted away, a control record): nothing to settle. */
    GAP,
    /** Done: never delivered again. */
    ACCEPT,
    /** Back to available, for this or another consumer. */
    RELEASE,
    /** Given up: archived (a queue dead-letters it by its policy). */
    REJECT,
    /** The lock starts again (KIP-1222, version 2). */
    RENEW;

    /** By wire code ({@code values()} copies its array each call). */
    private static final ShareAcknowledgement[] BY_CODE = values();

    /** The type of a wire code, or empty for an unknown one. */
    static Optional<ShareAcknowledgement> of(byte code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }
}
