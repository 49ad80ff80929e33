package dev.trilog.frontend.auth;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a user may do in a virtual host, as RabbitMQ grants it: three regular expressions over
 * resource (queue and exchange) names — <b>configure</b> (declare, delete), <b>write</b> (publish
 * to an exchange, bind a queue) and <b>read</b> (consume, get, purge, bind from an exchange). A
 * name is allowed when the expression matches somewhere in it, as RabbitMQ's {@code re:run}
 * does ({@code "^orders"} allows {@code orders.eu}, {@code "orders"} allows {@code eu.orders}
 * too); an empty expression allows nothing, as in RabbitMQ, where it stands for {@code "^$"}.
 */
public final class VhostPermissions {

    /** Everything: what RabbitMQ's {@code set_permissions user ".*" ".*" ".*"} grants. */
    public static final VhostPermissions ALL = new VhostPermissions(".*", ".*", ".*");

    private final String configure;
    private final String write;
    private final String read;
    private final Predicate<String> configureCheck;
    private final Predicate<String> writeCheck;
    private final Predicate<String> readCheck;

    /** @throws IllegalArgumentException naming the expression that is not a regular expression */
    public VhostPermissions(String configure, String write, String read) {
        this.configure = Objects.requireNonNull(configure, "configure");
        this.write = Objects.requireNonNull(write, "write");
        this.read = Objects.requireNonNull(read, "read");
        this.configureCheck = compile(Permission.CONFIGURE, configure);
        this.writeCheck = compile(Permission.WRITE, write);
        this.readCheck = compile(Permission.READ, read);
    }

    public String configure() {
        return configure;
    }

    public String write() {
        return write;
    }

    public String read() {
        return read;
    }

    /** Whether {@code permission} on the resource {@code name} is granted. */
    public boolean allows(Permission permission, String name) {
        Predicate<String> check = switch (permission) {
            case CONFIGURE -> configureCheck;
            case WRITE -> writeCheck;
            case READ -> readCheck;
        };
        return check.test(name);
    }

    /** A publish asks once per message: {@code ".*"}, the usual grant, costs no regular expression. */
    private static Predicate<String> compile(Permission which, String regex) {
        if (regex.isEmpty()) {
            return name -> false;
        }
        if (regex.equals(".*")) {
            return name -> true;
        }
        try {
            return Pattern.compile(regex).asPredicate();
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("the " + which.word() + " permission is not a regular expression: "
                    + e.getDescription() + " in " + regex, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VhostPermissions p && configure.equals(p.configure) && write.equals(p.write)
                && read.equals(p.read);
    }

    @Override
    public int hashCode() {
        return Objects.hash(configure, write, read);
    }

    @Override
    public String toString() {
        return "configure '" + configure + "', write '" + write + "', read '" + read + "'";
    }
}
