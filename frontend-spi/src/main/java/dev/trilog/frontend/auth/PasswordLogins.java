package dev.trilog.frontend.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * How a frontend checks a name and password (SASL PLAIN and its kin): against the
 * {@link UserStore} when authentication is on, or not at all — any credentials accepted, the
 * default on a laptop. A check is a PBKDF2 derivation (milliseconds of CPU), so
 * {@link #checkAsync} runs it on the logins' own threads ({@link LoginThreads}).
 */
public final class PasswordLogins implements AutoCloseable {

    private final UserStore users;
    private final ExecutorService checker;

    private PasswordLogins(UserStore users, ExecutorService checker) {
        this.users = users;
        this.checker = checker;
    }

    /** Any name and password are accepted. */
    public static PasswordLogins anyone() {
        return new PasswordLogins(null, null);
    }

    /** Names and passwords are checked against {@code users}, on threads named {@code threadName}. */
    public static PasswordLogins checkedAgainst(UserStore users, String threadName) {
        return new PasswordLogins(java.util.Objects.requireNonNull(users, "users"), LoginThreads.newPool(threadName));
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

    @Override
    public void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }
}
