package dev.trilog.sqs.protocol;

/**
 * Says who sent a request, before anything in it is decoded: {@link SqsHttpHandler} asks it about
 * every request and answers its {@link SqsException} in the request's protocol. The SigV4 check
 * ({@code dev.trilog.sqs.auth.SignatureV4}) is the one in use; it depends on this package, never
 * the other way round.
 */
@FunctionalInterface
public interface RequestAuthenticator {

    /**
     * @return the caller's access key id, or null when the request is unsigned and none is needed
     * @throws SqsException when the request may not be served (missing, unknown or wrong credentials)
     */
    String authenticate(SignedRequest request);
}
