package dev.trilog.sqs.protocol;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as it arrived, independent of the server library: what a
 * {@link RequestAuthenticator} checks, and exactly the parts SigV4 signs.
 *
 * @param method      {@code GET}, {@code POST}
 * @param rawPath     the path as sent, still percent-encoded
 * @param rawQuery    the query string as sent (without {@code ?}), or empty
 * @param headers     header values by lower-case name
 * @param body        the request body
 */
public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                            byte[] body) {

    /** The values of a header joined by commas, as SigV4 canonicalizes repeated headers; null when absent. */
    public String header(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }
}
