package dev.trilog.sqs.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SignedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Fuzz target for Signature Version 4 ({@link AuthorizationHeader#parse}, then
 * {@link SignatureV4#authenticate} with a known access key): whatever the {@code Authorization}
 * header, path, query string, date and body, the request is accepted or refused with one of the
 * authentication errors AWS answers (or {@code MalformedQueryString} for a query string with a bad
 * escape) — never another exception, which the endpoint would answer with {@code InternalError}.
 * A request signed with the key's secret is accepted, whatever its path and query string.
 *
 * <p>An input is lines: the {@code Authorization} header, the method, the raw path, the raw query
 * string, {@code X-Amz-Date}; the rest is the body.
 */
class SignatureV4FuzzTest {

    static final String ACCESS_KEY = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    /** Where the verifier's clock stands: at the time a request we signed claims, so it is within the window. */
    private static final AtomicReference<Instant> NOW = new AtomicReference<>(Instant.parse("2015-08-30T12:36:00Z"));
    private static final SignatureV4 VERIFIER = new SignatureV4(Map.of(ACCESS_KEY, SECRET), NOW::get);
    private static final List<SqsError> AUTHENTICATION_ERRORS = List.of(SqsError.SIGNATURE_DOES_NOT_MATCH,
            SqsError.INVALID_CLIENT_TOKEN_ID, SqsError.MISSING_AUTHENTICATION_TOKEN, SqsError.MALFORMED_QUERY_STRING);

    @FuzzTest
    void signedRequest(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", 6);
        String[] parts = Arrays.copyOf(lines, 6);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("sqs.test"));
        if (parts[0] != null) {
            headers.put("authorization", List.of(parts[0]));
        }
        if (parts[4] != null) {
            headers.put("x-amz-date", List.of(parts[4]));
        }
        SignedRequest request = new SignedRequest(orEmpty(parts[1]), orEmpty(parts[2]), orEmpty(parts[3]), headers,
                orEmpty(parts[5]).getBytes(StandardCharsets.UTF_8));
        AuthorizationHeader parsed = null;
        try {
            parsed = AuthorizationHeader.parse(parts[0]);
            assertThat(VERIFIER.authenticate(request)).isEqualTo(ACCESS_KEY);
        } catch (SqsException refused) {
            assertThat(refused.error()).as(refused.getMessage()).isIn(AUTHENTICATION_ERRORS);
        }
        if (parsed != null && parts[4] != null) {
            // what an SDK signs: header names (never the Authorization header itself), at least one
            List<String> signedHeaders = parsed.signedHeaders().stream()
                    .filter(name -> name.matches("[a-z0-9-]+") && !name.equals("authorization")).toList();
            AuthorizationHeader ours = new AuthorizationHeader(ACCESS_KEY, "20150830/us-east-1/sqs/aws4_request",
                    signedHeaders.isEmpty() ? List.of("host") : signedHeaders, "");
            String signature;
            try {
                signature = SignatureV4.sign(SECRET, ours, parts[4], request);
            } catch (SqsException unsignable) {
                assertThat(unsignable.error()).isEqualTo(SqsError.MALFORMED_QUERY_STRING);
                return;
            }
            headers.put("authorization", List.of(AuthorizationHeader.ALGORITHM + " Credential=" + ACCESS_KEY + "/"
                    + ours.scope() + ", SignedHeaders=" + String.join(";", ours.signedHeaders())
                    + ", Signature=" + signature));
            Instant signedAt;
            try {
                signedAt = SignatureV4.AMZ_DATE.parse(parts[4], Instant::from);
            } catch (DateTimeParseException notADate) {
                assertThatThrownBy(() -> VERIFIER.authenticate(request)).as("signed with a date that is none")
                        .isInstanceOfSatisfying(SqsException.class,
                                e -> assertThat(e.error()).isEqualTo(SqsError.SIGNATURE_DOES_NOT_MATCH));
                return;
            }
            NOW.set(signedAt);
            assertThat(VERIFIER.authenticate(request)).as("a request we signed").isEqualTo(ACCESS_KEY);
        }
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
