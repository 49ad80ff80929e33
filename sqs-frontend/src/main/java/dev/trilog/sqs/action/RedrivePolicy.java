package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trilog.sqs.queue.QueueAttributeRules;
import dev.trilog.sqs.queue.SqsQueue;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A queue's RedrivePolicy attribute, read (it was checked and normalized when set). */
record RedrivePolicy(String deadLetterTargetArn, int maxReceiveCount) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The queue's policy, or null when it has none. */
    static RedrivePolicy of(SqsQueue queue) {
        String text = queue.attribute(QueueAttributeRules.REDRIVE_POLICY);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return new RedrivePolicy(node.get("deadLetterTargetArn").asText(), node.get("maxReceiveCount").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
