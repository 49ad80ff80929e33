package dev.trilog.sqs.auth;

import java.util.List;
import java.util.Map;

/**
 * What SigV4 signs of an HTTP request, independent of the server library.
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
