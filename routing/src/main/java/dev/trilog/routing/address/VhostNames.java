package dev.trilog.routing.address;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one mapping between an AMQP virtual host's queues and exchanges and the names the topology
 * (and the log) keeps them under. {@code Topology} and {@code Queues} know a queue or exchange by
 * one string; a vhost's resources get their vhost folded into it:
 *
 * <ul>
 *   <li>in the vhost {@value #DEFAULT} a name is itself — queue {@code orders} is the topic
 *       {@code orders}, as before vhosts existed;</li>
 *   <li>in any other vhost it is {@code vhost.<encoded vhost>.<name>} — queue {@code orders} of the
 *       vhost {@code dev} is the topic {@code vhost.dev.orders}. The encoded vhost keeps
 *       {@code a-z A-Z 0-9 -} and writes every other UTF-8 byte as {@code _} and two hex digits
 *       ({@code team.eu} is {@code team_2Eeu}), so it never holds a {@code .} and the first dot
 *       after the prefix ends it: a legal Kafka topic name that names its vhost and queue
 *       unambiguously.</li>
 * </ul>
 *
 * So that no name in {@value #DEFAULT} reads as another vhost's, a name of the form
 * {@code vhost.X.Y} cannot be declared in {@value #DEFAULT} ({@link #qualify} refuses it).
 * A vhost's default exchange is {@code vhost.<encoded vhost>.} (the empty name in it).
 */
public final class VhostNames {

    /** The vhost every broker has, whose names are unchanged. */
    public static final String DEFAULT = "/";
    /** What every qualified name of a vhost other than {@value #DEFAULT} starts with. */
    public static final String PREFIX = "vhost.";
    /** Longest encoded vhost name, leaving a topic name (249 characters) room for the queue's. */
    static final int MAX_ENCODED_LENGTH = 100;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private VhostNames() {
    }

    /**
     * The name {@code name} of {@code vhost} is kept under; {@code name} itself in {@value #DEFAULT}
     * (no string is built for it).
     *
     * @throws IllegalArgumentException for a name in {@value #DEFAULT} that would read as another
     *                                  vhost's, or a vhost name that cannot be one
     */
    public static String qualify(String vhost, String name) {
        if (DEFAULT.equals(vhost)) {
            if (!inDefaultVhost(name)) {
                throw new IllegalArgumentException("name '" + name + "' contains reserved prefix '" + PREFIX
                        + "' (the names of other vhosts' queues and exchanges)");
            }
            return name;
        }
        return prefix(vhost) + name;
    }

    /** What every qualified name of {@code vhost} (not {@value #DEFAULT}) starts with. */
    public static String prefix(String vhost) {
        if (DEFAULT.equals(vhost)) {
            throw new IllegalArgumentException("the names of vhost '/' have no prefix");
        }
        return PREFIX + encode(vhost) + '.';
    }

    /** Whether {@code qualified} is a name of the vhost {@value #DEFAULT}. */
    public static boolean inDefaultVhost(String qualified) {
        return !qualified.startsWith(PREFIX) || qualified.indexOf('.', PREFIX.length()) < 0;
    }

    /** The vhost of a qualified name. */
    public static String vhostOf(String qualified) {
        if (inDefaultVhost(qualified)) {
            return DEFAULT;
        }
        return decode(qualified.substring(PREFIX.length(), qualified.indexOf('.', PREFIX.length())));
    }

    /** The name the vhost's clients know a qualified name by; {@code qualified} itself in {@value #DEFAULT}. */
    public static String localName(String qualified) {
        if (inDefaultVhost(qualified)) {
            return qualified;
        }
        return qualified.substring(qualified.indexOf('.', PREFIX.length()) + 1);
    }

    /** {@code name} in the vhost of {@code qualified} (a queue's dead-letter exchange, an exchange's alternate). */
    public static String sibling(String qualified, String name) {
        if (inDefaultVhost(qualified)) {
            return name;
        }
        return qualified.substring(0, qualified.indexOf('.', PREFIX.length()) + 1) + name;
    }

    /** Whether {@code qualified} is the default exchange of a vhost other than {@value #DEFAULT}. */
    public static boolean isVhostDefaultExchange(String qualified) {
        return qualified.endsWith(".") && qualified.startsWith(PREFIX)
                && qualified.indexOf('.', PREFIX.length()) == qualified.length() - 1;
    }

    /** RabbitMQ's words for a resource: {@code 'orders' in vhost 'dev'}. */
    public static String describe(String qualified) {
        return "'" + localName(qualified) + "' in vhost '" + vhostOf(qualified) + "'";
    }

    /**
     * @throws IllegalArgumentException when {@code vhost} cannot name a vhost: empty, or too long
     *                                  to leave room for queue names in a topic name
     */
    public static void checkVhostName(String vhost) {
        if (vhost == null || vhost.isEmpty()) {
            throw new IllegalArgumentException("a vhost name must not be empty");
        }
        if (!DEFAULT.equals(vhost) && encode(vhost).length() > MAX_ENCODED_LENGTH) {
            throw new IllegalArgumentException("vhost name '" + vhost + "' is too long: encoded for topic names"
                    + " it takes more than " + MAX_ENCODED_LENGTH + " characters");
        }
    }

    static String encode(String vhost) {
        StringBuilder out = new StringBuilder(vhost.length());
        for (byte b : vhost.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
                out.append(c);
            } else {
                out.append('_').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '_' && i + 2 < encoded.length() && isHex(encoded.charAt(i + 1)) && isHex(encoded.charAt(i + 2))) {
                bytes.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c); // not this encoding's (a topic a Kafka client named): kept as it is
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
    }
}
