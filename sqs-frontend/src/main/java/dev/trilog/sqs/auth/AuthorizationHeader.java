package dev.trilog.sqs.auth;

import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.util.List;
import java.util.Locale;

/**
 * A parsed Signature Version 4 {@code Authorization} header:
 * {@code AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=<hex>}.
 *
 * @param accessKeyId   the access key id the client signed with
 * @param scope         {@code <date>/<region>/<service>/aws4_request}
 * @param signedHeaders lower-case header names, in the order given (SigV4 sends them sorted)
 * @param signature     lower-case hex HMAC-SHA256
 */
public record AuthorizationHeader(String accessKeyId, String scope, List<String> signedHeaders, String signature) {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";

    /**
     * @throws SqsException IncompleteSignature-like {@code SignatureDoesNotMatch} when the header is not SigV4
     */
    public static AuthorizationHeader parse(String header) {
        if (header == null || !header.startsWith(ALGORITHM + " ")) {
            throw malformed("Authorization header is not " + ALGORITHM + ".");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
            String item = part.trim();
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw malformed("Authorization header component '" + item + "' has no value.");
            }
            String value = item.substring(eq + 1).trim();
            switch (item.substring(0, eq).trim()) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> {
                    // other components are not part of SigV4; AWS ignores them too
                }
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw malformed("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.");
        }
        int slash = credential.indexOf('/');
        if (slash <= 0 || credential.substring(slash + 1).split("/").length != 4) {
            throw malformed("Credential must be <access key id>/<date>/<region>/<service>/aws4_request.");
        }
        return new AuthorizationHeader(credential.substring(0, slash), credential.substring(slash + 1),
                List.of(signedHeaders.toLowerCase(Locale.ROOT).split(";")), signature.toLowerCase(Locale.ROOT));
    }

    private static SqsException malformed(String message) {
        return new SqsException(SqsError.SIGNATURE_DOES_NOT_MATCH, message);
    }
}
