package dev.trilog.sqs.action;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules every batch action shares: 1 to 10 entries ({@code EmptyBatchRequest},
 * {@code TooManyEntriesInBatchRequest}), ids of 1–80 alphanumerics, hyphens and underscores
 * ({@code InvalidBatchEntryId}), distinct ({@code BatchEntryIdsNotDistinct}); and the answer's
 * shape: {@code Successful} entries and {@code Failed} ones with their error.
 */
final class BatchEntries {

    static final int MAX_ENTRIES = 10;
    /** Compiled once: {@code String.matches} compiled it for every entry of every batch. */
    private static final Pattern ENTRY_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");

    private final ObjectNode result = JsonNodeFactory.instance.objectNode();
    private final ArrayNode successful = result.putArray("Successful");
    private final ArrayNode failed = result.putArray("Failed");

    /** The entries of a batch request, checked. */
    static List<SqsParams> entries(SqsParams params, String entryName) {
        List<SqsParams> entries = params.structureList("Entries");
        if (entries.isEmpty()) {
            throw new SqsException(SqsError.EMPTY_BATCH_REQUEST,
                    "There should be at least one " + entryName + " in the request.");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new SqsException(SqsError.TOO_MANY_ENTRIES_IN_BATCH_REQUEST, "Maximum number of entries per request"
                    + " are " + MAX_ENTRIES + ". You have sent " + entries.size() + ".");
        }
        Set<String> ids = new HashSet<>();
        for (SqsParams entry : entries) {
            String id = entry.string("Id").orElseThrow(() -> SqsException.missingParameter(entryName + ".N.Id"));
            if (!ENTRY_ID.matcher(id).matches()) {
                throw new SqsException(SqsError.INVALID_BATCH_ENTRY_ID, "A batch entry id can only contain"
                        + " alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");
            }
            if (!ids.add(id)) {
                throw new SqsException(SqsError.BATCH_ENTRY_IDS_NOT_DISTINCT, "Id " + id + " repeated.");
            }
        }
        return entries;
    }

    /** Adds a successful entry and returns it, for the action to fill in. */
    ObjectNode succeeded(String id) {
        return successful.addObject().put("Id", id);
    }

    void failed(String id, SqsException error) {
        failed.addObject().put("Id", id).put("SenderFault", error.error().httpStatus() < 500)
                .put("Code", error.error().queryCode()).put("Message", error.getMessage());
    }

    ObjectNode result() {
        return result;
    }
}
