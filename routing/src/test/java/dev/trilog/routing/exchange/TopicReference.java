package dev.trilog.routing.exchange;

/**
 * The topic rule written as plainly as possible, to check the trie against: a pattern word
 * {@code #} takes zero or more key words, {@code *} exactly one, any other word itself.
 */
final class TopicReference {

    private TopicReference() {
    }

    static boolean matches(String pattern, String key) {
        return matches(TopicWords.split(pattern), 0, TopicWords.split(key), 0);
    }

    private static boolean matches(String[] p, int i, String[] k, int j) {
        if (i == p.length) {
            return j == k.length;
        }
        if (p[i].equals("#")) {
            return matches(p, i + 1, k, j) || j < k.length && matches(p, i, k, j + 1);
        }
        return j < k.length && (p[i].equals("*") || p[i].equals(k[j])) && matches(p, i + 1, k, j + 1);
    }
}
