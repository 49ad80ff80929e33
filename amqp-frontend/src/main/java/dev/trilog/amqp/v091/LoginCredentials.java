package dev.trilog.amqp.v091;

import dev.trilog.amqp.v091.codec.RabbitWire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The user name and password in {@code connection.start-ok}'s response, for the two mechanisms
 * offered: PLAIN ({@code authzid NUL user NUL password}, RFC 4616) and AMQPLAIN (a field table's
 * fields {@code LOGIN} and {@code PASSWORD}, without the table's length).
 */
record LoginCredentials(String user, String password) {

    /** The credentials, or empty when the response is not one of the mechanism's. */
    static Optional<LoginCredentials> read(String mechanism, byte[] response) {
        if (mechanism.equals("PLAIN")) {
            String text = new String(response, StandardCharsets.UTF_8);
            int first = text.indexOf('\0');
            int second = first < 0 ? -1 : text.indexOf('\0', first + 1);
            return second < 0 ? Optional.empty()
                    : Optional.of(new LoginCredentials(text.substring(first + 1, second), text.substring(second + 1)));
        }
        try {
            Map<String, Object> fields = RabbitWire.decodeTableFields(response);
            Object user = fields.get("LOGIN");
            Object password = fields.get("PASSWORD");
            return user == null || password == null ? Optional.empty()
                    : Optional.of(new LoginCredentials(user.toString(), password.toString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
