package dev.trilog.sqs.queue;

import dev.trilog.sqs.protocol.SqsException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Queue URLs and ARNs: {@code http://<host>/<account-id>/<queue-name>} ({@code https://} on a
 * listener with TLS: some SDKs send a queue's requests to its URL) and
 * {@code arn:aws:sqs:<region>:<account-id>:<queue-name>}. A URL is read by its path alone, so a
 * URL naming another host (the endpoint seen through a proxy, or {@code localhost} for
 * {@code 127.0.0.1}) still finds its queue, as SQS does.
 */
public final class QueueUrls {

    private final String accountId;
    private final String region;
    private final String scheme;
    /**
     * The last URL read and the name it gave: a client sends its calls to one queue URL again and
     * again, and parsing it as a {@link URI} twice per request (access check, then the action)
     * showed in the SQS profile (bench/sqs/RESULTS.md, 2026-12-06, sqs23).
     */
    private volatile Named lastNamed;

    private record Named(String url, String name) {
    }

    /** For a plain HTTP listener. */
    public QueueUrls(String accountId, String region) {
        this(accountId, region, false);
    }

    /** @param https whether the listener speaks TLS, so its URLs say {@code https} */
    public QueueUrls(String accountId, String region, boolean https) {
        this.accountId = accountId;
        this.region = region;
        this.scheme = https ? "https://" : "http://";
    }

    public String accountId() {
        return accountId;
    }

    public String url(String host, String queue) {
        return scheme + host + "/" + accountId + "/" + queue;
    }

    public String arn(String queue) {
        return "arn:aws:sqs:" + region + ":" + accountId + ":" + queue;
    }

    /**
     * The queue name a URL names.
     *
     * @throws SqsException QueueDoesNotExist when it is not a queue URL of this account
     */
    public String queueName(String url) {
        Named last = lastNamed;
        if (last != null && last.url.equals(url)) {
            return last.name;
        }
        String name = parseQueueName(url);
        lastNamed = new Named(url, name);
        return name;
    }

    private String parseQueueName(String url) {
        String path;
        try {
            URI uri = new URI(url);
            path = uri.getRawPath();
        } catch (URISyntaxException e) {
            throw SqsException.nonExistentQueue();
        }
        if (path == null) {
            throw SqsException.nonExistentQueue();
        }
        String[] parts = path.split("/");
        // "", account, name
        if (parts.length != 3 || !parts[1].equals(accountId) || parts[2].isEmpty()) {
            throw SqsException.nonExistentQueue();
        }
        return parts[2];
    }

    /** The queue an ARN of this account names, or null when it is not one. */
    public String queueNameOfArn(String arn) {
        String prefix = "arn:aws:sqs:" + region + ":" + accountId + ":";
        return arn != null && arn.startsWith(prefix) && arn.length() > prefix.length()
                ? arn.substring(prefix.length()) : null;
    }
}
