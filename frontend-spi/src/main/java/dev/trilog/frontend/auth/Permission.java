package dev.trilog.frontend.auth;

/** RabbitMQ's three kinds of access to a resource (see {@link VhostPermissions}). */
public enum Permission {
    CONFIGURE, WRITE, READ;

    /** As RabbitMQ words it in a refusal: {@code configure}, {@code write}, {@code read}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
