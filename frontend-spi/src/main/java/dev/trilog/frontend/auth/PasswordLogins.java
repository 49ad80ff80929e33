package dev.trilog.frontend.auth;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * How a frontend checks a name and password (SASL PLAIN and its kin): against the
 * {@link UserStore} when authentication is on, or not at all — any credentials accepted, the
 * default on a laptop. A check is a PBKDF2 derivation (milliseconds of CPU), so
 * {@link #checkAsync} runs it on the logins' own threads ({@link LoginThreads}). With logins
 * checked, what a logged-in user may do is its {@link #permissions} ({@link PermissionStore});
 * without, anyone may do everything.
 */
public final class PasswordLogins implements AutoCloseable {

    private final UserStore users;
    private final PermissionStore permissions;
    private final ExecutorService checker;

    private PasswordLogins(UserStore users, PermissionStore permissions, ExecutorService checker) {
        this.users = users;
        this.permissions = permissions;
        this.checker = checker;
    }

    /** Any name and password are accepted, and may do everything. */
    public static PasswordLogins anyone() {
        return new PasswordLogins(null, null, null);
    }

    /**
     * Names and passwords are checked against {@code users}, on threads named {@code threadName};
     * what a user may do is what {@code permissions} grants it.
     */
    public static PasswordLogins checkedAgainst(UserStore users, PermissionStore permissions, String threadName) {
        return new PasswordLogins(java.util.Objects.requireNonNull(users, "users"),
                java.util.Objects.requireNonNull(permissions, "permissions"), LoginThreads.newPool(threadName));
    }

    /** Whether credentials are checked at all. */
    public boolean required() {
        return users != null;
    }

    /** Whether {@code password} is {@code user}'s; always true when not {@link #required}. On the caller's thread. */
    public boolean check(String user, String password) {
        return users == null || users.authenticatePlain(user, password);
    }

    /** {@link #check}, on the logins' own threads. */
    public CompletableFuture<Boolean> checkAsync(String user, String password) {
        return users == null ? CompletableFuture.completedFuture(true)
                : CompletableFuture.supplyAsync(() -> users.authenticatePlain(user, password), checker);
    }

    /**
     * What {@code user} may do in {@code vhost}, as granted when asked (a connection keeps what it
     * got at its open, as RabbitMQ's connections cache their checks): everything when logins are
     * not checked; empty when the user may not use the vhost.
     */
    public Optional<VhostPermissions> permissions(String user, String vhost) {
        return permissions == null ? Optional.of(VhostPermissions.ALL) : permissions.permissions(user, vhost);
    }

    @Override
    public void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }
}
