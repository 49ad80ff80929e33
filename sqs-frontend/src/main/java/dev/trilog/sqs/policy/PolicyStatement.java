package dev.trilog.sqs.policy;

import java.util.List;
import java.util.Locale;

/**
 * One statement of a queue policy, as evaluation needs it: does it speak of this caller, this
 * action and this queue, and does it allow or deny.
 *
 * <p>What a principal value matches, for a request signed by access key {@code K} (Trilog's
 * principals are access keys; all of them belong to the one account {@code sqs.account-id}):
 * <ul>
 *   <li>{@code "*"} (bare, or as {@code {"AWS": "*"}}): every caller;</li>
 *   <li>{@code K} itself, or an ARN whose last segment (after the last {@code /} or {@code :}) is
 *       {@code K}, such as {@code arn:aws:iam::000000000000:user/K};</li>
 *   <li>the account: its id, or {@code arn:aws:iam::<account>:root} — every key, as an account
 *       principal grants every identity of the account in AWS.</li>
 * </ul>
 * Other principal kinds ({@code Service}, {@code Federated}, {@code CanonicalUser}) are kept and
 * never match an access key.
 *
 * @param sid         the statement's {@code Sid} (AddPermission's label), or null
 * @param allow       {@code Effect}: Allow (true) or Deny
 * @param principals  the {@code AWS} principal values, {@code "*"} for every caller
 * @param actions     {@code Action} patterns ({@code sqs:SendMessage}, {@code sqs:*}, {@code sqs:Send*}, {@code *})
 * @param resources   {@code Resource} patterns over queue ARNs ({@code *} and {@code ?} wildcards)
 * @param conditional whether it has a {@code Condition}, which Trilog does not evaluate
 */
record PolicyStatement(String sid, boolean allow, List<String> principals, List<String> actions,
                       List<String> resources, boolean conditional) {

    PolicyStatement {
        principals = List.copyOf(principals);
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
    }

    /**
     * Whether the statement applies to the request. A statement with a Condition is taken the safe
     * way: it never allows anything, and it denies as if it had none.
     *
     * @param iamAction {@code sqs:SendMessage}
     */
    boolean applies(String accessKeyId, String accountId, String iamAction, String queueArn) {
        if (conditional && allow) {
            return false;
        }
        return principals.stream().anyMatch(p -> principalMatches(p, accessKeyId, accountId))
                && actions.stream().anyMatch(a -> Glob.matches(a.toLowerCase(Locale.ROOT), iamAction.toLowerCase(Locale.ROOT)))
                && resources.stream().anyMatch(r -> Glob.matches(r, queueArn));
    }

    static boolean principalMatches(String principal, String accessKeyId, String accountId) {
        if (principal.equals("*")) {
            return true;
        }
        if (principal.equals(accountId) || principal.equals("arn:aws:iam::" + accountId + ":root")) {
            return accessKeyId != null;
        }
        if (accessKeyId == null) {
            return false;
        }
        if (principal.equals(accessKeyId)) {
            return true;
        }
        int last = Math.max(principal.lastIndexOf('/'), principal.lastIndexOf(':'));
        return principal.startsWith("arn:") && principal.substring(last + 1).equals(accessKeyId);
    }

    /** IAM's wildcards: {@code *} any run of characters, {@code ?} any one. */
    static final class Glob {

        private Glob() {
        }

        static boolean matches(String pattern, String text) {
            int p = 0;
            int t = 0;
            int starAt = -1;
            int matchedTo = 0;
            while (t < text.length()) {
                if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                    p++;
                    t++;
                } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                    starAt = p++;
                    matchedTo = t;
                } else if (starAt >= 0) {
                    p = starAt + 1;
                    t = ++matchedTo;
                } else {
                    return false;
                }
            }
            while (p < pattern.length() && pattern.charAt(p) == '*') {
                p++;
            }
            return p == pattern.length();
        }
    }
}
