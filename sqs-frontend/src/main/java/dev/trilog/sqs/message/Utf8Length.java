package dev.trilog.sqs.message;

import java.nio.charset.StandardCharsets;

/** UTF-8 byte lengths, which SQS limits are measured in. */
final class Utf8Length {

    private Utf8Length() {
    }

    static int of(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
