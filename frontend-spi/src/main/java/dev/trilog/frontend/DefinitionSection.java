package dev.trilog.frontend;

import dev.trilog.routing.address.QueueSpec;
import java.util.List;
import java.util.Map;

/**
 * One list of the start-up definitions ({@code trilog serve --definitions FILE}, docs/definitions.md)
 * whose entries a frontend declares itself, because what they say is the protocol's own — SQS queues
 * and their attributes, checked by the SQS rules. The gateway reads the file, refuses entries with
 * fields other than {@link #fields()}, and hands the entries of {@link #key()} to {@link #apply}; it
 * declares topics, exchanges, queues and bindings itself.
 *
 * <p>Entries are the document's own values: {@code String}, {@code Number}, {@code Boolean}, and
 * {@code List}s and {@code Map}s of them.
 */
public interface DefinitionSection {

    /** The key of this section's list in the definitions document ({@code sqsQueues}). */
    String key();

    /** The fields an entry may have; {@code name} is one and is required. */
    List<String> fields();

    /**
     * Declares every entry that does not exist yet; one that exists as described is left alone, so
     * applying the same entries twice changes nothing. Entries may depend on one another (a queue
     * naming its dead-letter queue): the section orders them.
     *
     * @return how many entries were new (the start-up log says so)
     * @throws DefinitionException naming the entry, for an invalid value or an entry that exists
     *         otherwise than described
     */
    int apply(List<Map<String, Object>> entries);

    /** What exists now, as entries {@link #apply} takes back, sorted by name. */
    List<Map<String, Object>> export();

    /**
     * Whether the topology queue is one of this section's entries, so that the gateway does not
     * export it as a plain queue too.
     */
    boolean owns(QueueSpec queue);
}
