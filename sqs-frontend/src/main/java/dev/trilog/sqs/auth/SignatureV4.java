package dev.trilog.sqs.auth;

import dev.trilog.sqs.protocol.RequestAuthenticator;
import dev.trilog.sqs.protocol.SignedRequest;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature Version 4 for requests to SQS: parses the {@code Authorization} header and, when
 * access keys are configured, recomputes the signature over the canonical request. With no keys
 * configured every well-formed (or absent) signature is accepted, as the local emulators do.
 *
 * <p>Canonical request (AWS's "Create a canonical request for Signature Version 4"): method,
 * canonical URI (each path segment URI-encoded once more, as every service but S3 signs), the
 * query parameters sorted and encoded, the signed headers as {@code name:trimmed value}, the
 * signed header list, and the hex SHA-256 of the body.
 *
 * <p>A signed request is good for {@link #WINDOW} either side of its {@code X-Amz-Date}: one
 * captured and replayed later, or signed by a clock far off, is {@code SignatureDoesNotMatch}
 * with AWS's "Signature expired" / "Signature not yet current" text (the SDKs read that answer's
 * {@code Date} header to correct their clock, then retry).
 */
public final class SignatureV4 implements RequestAuthenticator {

    /** How far a request's signing time may be from the server's clock, as AWS's SigV4 endpoints allow. */
    public static final Duration WINDOW = Duration.ofMinutes(5);
    static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, String> secretsByAccessKey;
    private final InstantSource clock;

    /** @param secretsByAccessKey secret access keys by access key id; empty accepts any caller */
    public SignatureV4(Map<String, String> secretsByAccessKey) {
        this(secretsByAccessKey, InstantSource.system());
    }

    /**
     * @param clock the wall clock signing times are held against: clients sign with theirs, so
     *              this is the system's, not the engine's (which tests may move)
     */
    public SignatureV4(Map<String, String> secretsByAccessKey, InstantSource clock) {
        this.secretsByAccessKey = Map.copyOf(secretsByAccessKey);
        this.clock = clock;
    }

    public boolean verifies() {
        return !secretsByAccessKey.isEmpty();
    }

    /**
     * Checks the request's signature.
     *
     * @return the caller's access key id, or null when the request is unsigned and none is needed
     * @throws SqsException MissingAuthenticationToken, InvalidClientTokenId, SignatureDoesNotMatch, or
     *         MalformedQueryString for a query string that cannot be canonicalized
     */
    @Override
    public String authenticate(SignedRequest request) {
        String header = request.header("authorization");
        if (header == null) {
            if (verifies()) {
                throw new SqsException(SqsError.MISSING_AUTHENTICATION_TOKEN, "Request is missing Authentication Token");
            }
            return null;
        }
        AuthorizationHeader auth = AuthorizationHeader.parse(header);
        if (!verifies()) {
            return auth.accessKeyId();
        }
        String secret = secretsByAccessKey.get(auth.accessKeyId());
        if (secret == null) {
            throw new SqsException(SqsError.INVALID_CLIENT_TOKEN_ID,
                    "The security token included in the request is invalid.");
        }
        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            throw mismatch();
        }
        requireBodyAsDeclared(request);
        String expected = sign(secret, auth, amzDate, request);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            throw mismatch();
        }
        requireWithinWindow(amzDate);
        return auth.accessKeyId();
    }

    /**
     * The SDKs sign the body through the {@code X-Amz-Content-Sha256} header when they send it, and
     * the canonical request then names the header's hash, not the body: a body that is not the one
     * hashed there is a forgery the signature alone would let through.
     */
    private static void requireBodyAsDeclared(SignedRequest request) {
        String declared = request.header("x-amz-content-sha256");
        if (declared != null && !declared.startsWith("STREAMING") && !declared.equalsIgnoreCase(sha256Hex(request.body()))) {
            throw mismatch();
        }
    }

    /** Checked after the signature, so the date is the one the client signed. */
    private void requireWithinWindow(String amzDate) {
        Instant signed;
        try {
            signed = AMZ_DATE.parse(amzDate, Instant::from);
        } catch (DateTimeParseException e) {
            throw mismatch();
        }
        Instant now = clock.instant();
        if (signed.isBefore(now.minus(WINDOW))) {
            throw new SqsException(SqsError.SIGNATURE_DOES_NOT_MATCH, "Signature expired: " + amzDate
                    + " is now earlier than " + AMZ_DATE.format(now.minus(WINDOW)) + " (" + AMZ_DATE.format(now)
                    + " - " + WINDOW.toMinutes() + " min.)");
        }
        if (signed.isAfter(now.plus(WINDOW))) {
            throw new SqsException(SqsError.SIGNATURE_DOES_NOT_MATCH, "Signature not yet current: " + amzDate
                    + " is still later than " + AMZ_DATE.format(now.plus(WINDOW)) + " (" + AMZ_DATE.format(now)
                    + " + " + WINDOW.toMinutes() + " min.)");
        }
    }

    static String sign(String secret, AuthorizationHeader auth, String amzDate, SignedRequest request) {
        String canonicalRequest = canonicalRequest(auth.signedHeaders(), request);
        String stringToSign = AuthorizationHeader.ALGORITHM + "\n" + amzDate + "\n" + auth.scope() + "\n"
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        String[] scope = auth.scope().split("/");
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scope[0]);
        for (int i = 1; i < scope.length; i++) {
            key = hmac(key, scope[i]);
        }
        return HEX.formatHex(hmac(key, stringToSign));
    }

    static String canonicalRequest(List<String> signedHeaders, SignedRequest request) {
        StringBuilder headers = new StringBuilder();
        for (String name : signedHeaders) {
            String value = request.header(name);
            headers.append(name).append(':').append(value == null ? "" : value.trim().replaceAll(" +", " "))
                    .append('\n');
        }
        String payloadHash = request.header("x-amz-content-sha256");
        if (payloadHash == null || payloadHash.startsWith("STREAMING")) {
            payloadHash = sha256Hex(request.body());
        }
        return request.method() + "\n" + canonicalUri(request.rawPath()) + "\n" + canonicalQuery(request.rawQuery())
                + "\n" + headers + "\n" + String.join(";", signedHeaders) + "\n" + payloadHash;
    }

    private static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/", -1)) {
            segments.add(encode(segment));
        }
        return String.join("/", segments);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            pairs.add(new String[] {encode(name), encode(value)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] pair : pairs) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    /** @throws SqsException MalformedQueryString for a bad escape, which no SDK signs */
    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SqsException(SqsError.MALFORMED_QUERY_STRING, "The query string has a bad escape: "
                    + e.getMessage());
        }
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 wants. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static SqsException mismatch() {
        return new SqsException(SqsError.SIGNATURE_DOES_NOT_MATCH, "The request signature we calculated does not"
                + " match the signature you provided. Check your AWS Secret Access Key and signing method. Consult"
                + " the service documentation for details.");
    }
}
