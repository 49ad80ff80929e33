package dev.trilog.sqs.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.sqs.protocol.SignedRequest;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureV4Test {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    /** AWS's SigV4 test suite, "get-vanilla". */
    private static final String VANILLA_SIGNATURE = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    /** The time AWS's test suite signed its requests at. */
    private static final Instant SIGNED_AT = Instant.parse("2015-08-30T12:36:00Z");

    private static SignatureV4 verifier(String accessKey) {
        return new SignatureV4(Map.of(accessKey, SECRET), InstantSource.fixed(SIGNED_AT));
    }

    private static SignedRequest vanilla(String signature) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("example.amazonaws.com"));
        headers.put("x-amz-date", List.of("20150830T123600Z"));
        headers.put("authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                + "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + signature));
        return new SignedRequest("GET", "/", "", headers, new byte[0]);
    }

    @Test
    void awsTestSuiteVanillaRequestVerifies() {
        SignatureV4 verifier = verifier("AKIDEXAMPLE");
        assertThat(verifier.authenticate(vanilla(VANILLA_SIGNATURE))).isEqualTo("AKIDEXAMPLE");
    }

    @Test
    void aChangedSignatureDoesNotMatch() {
        SignatureV4 verifier = verifier("AKIDEXAMPLE");
        String wrong = VANILLA_SIGNATURE.substring(0, 63) + "0";
        assertThatThrownBy(() -> verifier.authenticate(vanilla(wrong)))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.error()).isEqualTo(SqsError.SIGNATURE_DOES_NOT_MATCH));
    }

    /** Found by SignatureV4FuzzTest: URLDecoder's exception went out as InternalError (HTTP 500). */
    @Test
    void aQueryStringWithABadEscapeIsMalformedNotAnInternalError() {
        SignatureV4 verifier = verifier("AKIDEXAMPLE");
        SignedRequest vanilla = vanilla(VANILLA_SIGNATURE);
        for (String query : List.of("a=%", "a=%4", "a=%zz&b=1", "%G0=x")) {
            SignedRequest bad = new SignedRequest("GET", "/", query, vanilla.headers(), new byte[0]);
            assertThatThrownBy(() -> verifier.authenticate(bad)).as(query)
                    .isInstanceOfSatisfying(SqsException.class,
                            e -> assertThat(e.error()).isEqualTo(SqsError.MALFORMED_QUERY_STRING));
        }
    }

    @Test
    void anUnknownAccessKeyIsAnInvalidClientTokenId() {
        SignatureV4 verifier = verifier("OTHER");
        assertThatThrownBy(() -> verifier.authenticate(vanilla(VANILLA_SIGNATURE)))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.error()).isEqualTo(SqsError.INVALID_CLIENT_TOKEN_ID));
    }

    @Test
    void withoutKeysAnySignatureIsAcceptedButItsKeyIsRead() {
        SignatureV4 open = new SignatureV4(Map.of());
        assertThat(open.authenticate(vanilla("00"))).isEqualTo("AKIDEXAMPLE");
        assertThat(open.authenticate(new SignedRequest("POST", "/", "", Map.of(), new byte[0]))).isNull();
    }

    @Test
    void withKeysAnUnsignedRequestIsRefused() {
        SignatureV4 verifier = verifier("AKIDEXAMPLE");
        assertThatThrownBy(() -> verifier.authenticate(new SignedRequest("POST", "/", "", Map.of(), new byte[0])))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.error()).isEqualTo(SqsError.MISSING_AUTHENTICATION_TOKEN));
    }

    @Test
    void aHeaderThatIsNotSigV4IsRefused() {
        assertThatThrownBy(() -> AuthorizationHeader.parse("AWS AKID:abc"))
                .isInstanceOf(SqsException.class);
        assertThatThrownBy(() -> AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AK/x, Signature=00,"
                + " SignedHeaders=host")).isInstanceOf(SqsException.class);
    }

    /** The body is signed through the hash header: another body under that header is a forgery. */
    @Test
    void aBodyOtherThanTheOneItsSignedHashNamesDoesNotMatch() {
        Map<String, List<String>> headers = new LinkedHashMap<>(vanilla(VANILLA_SIGNATURE).headers());
        headers.put("x-amz-content-sha256", List.of(SignatureV4.sha256Hex(new byte[0])));
        SignedRequest declared = new SignedRequest("GET", "/", "", headers, new byte[0]);
        AuthorizationHeader auth = new AuthorizationHeader("AKIDEXAMPLE", "20150830/us-east-1/service/aws4_request",
                List.of("host", "x-amz-content-sha256", "x-amz-date"), "");
        String signature = SignatureV4.sign(SECRET, auth, "20150830T123600Z", declared);
        headers.put("authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + auth.scope()
                + ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + signature));
        assertThat(verifier("AKIDEXAMPLE").authenticate(new SignedRequest("GET", "/", "", headers, new byte[0])))
                .isEqualTo("AKIDEXAMPLE");
        assertThatThrownBy(() -> verifier("AKIDEXAMPLE").authenticate(new SignedRequest("GET", "/", "", headers,
                "forged".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.error()).isEqualTo(SqsError.SIGNATURE_DOES_NOT_MATCH));
    }

    @Test
    void aRequestSignedMoreThanFiveMinutesAgoHasExpired() {
        SignatureV4 later = new SignatureV4(Map.of("AKIDEXAMPLE", SECRET),
                InstantSource.fixed(SIGNED_AT.plus(SignatureV4.WINDOW).plusSeconds(1)));
        assertThatThrownBy(() -> later.authenticate(vanilla(VANILLA_SIGNATURE)))
                .isInstanceOfSatisfying(SqsException.class, e -> {
                    assertThat(e.error()).isEqualTo(SqsError.SIGNATURE_DOES_NOT_MATCH);
                    assertThat(e.getMessage()).isEqualTo("Signature expired: 20150830T123600Z is now earlier than"
                            + " 20150830T123601Z (20150830T124101Z - 5 min.)");
                });
        SignatureV4 justInTime = new SignatureV4(Map.of("AKIDEXAMPLE", SECRET),
                InstantSource.fixed(SIGNED_AT.plus(SignatureV4.WINDOW)));
        assertThat(justInTime.authenticate(vanilla(VANILLA_SIGNATURE))).isEqualTo("AKIDEXAMPLE");
    }

    @Test
    void aRequestSignedMoreThanFiveMinutesAheadIsNotYetCurrent() {
        SignatureV4 earlier = new SignatureV4(Map.of("AKIDEXAMPLE", SECRET),
                InstantSource.fixed(SIGNED_AT.minus(Duration.ofMinutes(6))));
        assertThatThrownBy(() -> earlier.authenticate(vanilla(VANILLA_SIGNATURE)))
                .isInstanceOfSatisfying(SqsException.class, e -> {
                    assertThat(e.error()).isEqualTo(SqsError.SIGNATURE_DOES_NOT_MATCH);
                    assertThat(e.getMessage()).startsWith("Signature not yet current: 20150830T123600Z");
                });
    }

    @Test
    void encodingKeepsOnlyUnreservedCharacters() {
        assertThat(SignatureV4.encode("a b/ü~")).isEqualTo("a%20b%2F%C3%BC~");
    }
}
