package dev.trilog.frontend;

/**
 * A start-up definition that cannot be applied: invalid, or in conflict with what exists. The
 * message names the entry ({@code sqsQueues 'orders': …}); the gateway adds the file.
 */
public final class DefinitionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DefinitionException(String message) {
        super(message);
    }

    /** A failure of the entry {@code name} in the list {@code section}. */
    public static DefinitionException of(String section, String name, String problem) {
        return new DefinitionException(section + " '" + name + "': " + problem);
    }
}
