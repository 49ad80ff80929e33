package dev.trilog.amqp.v091;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code basic.qos global=true}: one limit the channel's consumers share, as RabbitMQ 3.3+ has
 * it, beside each consumer's own. Those consumers run on link credit that this class grants one
 * message at a time in turn, never more than both limits leave room for: the channel's limit
 * less what its shared consumers hold unsettled (cancelled ones too) and were granted, and the
 * consumer's own limit less what it holds and was granted. Settling makes room again.
 *
 * <p>On the channel's event loop only.
 */
final class SharedPrefetch {

    private int limit;
    private int held;
    private int rotation;

    /** The channel's limit from now on (0 = none). */
    void limit(int value) {
        limit = value;
    }

    boolean limited() {
        return limit > 0;
    }

    /** Deliveries arrived for a shared consumer: its credit is used; held when it still takes them. */
    void delivered(Consumer consumer, int n, boolean taken) {
        consumer.granted -= n;
        if (taken) {
            consumer.outstanding += n;
            held += n;
        }
    }

    /** A shared consumer's delivery was settled. */
    void settled(Consumer consumer) {
        consumer.outstanding--;
        held--;
    }

    /** Grants what there is room for to the active shared consumers among {@code consumers}. */
    void topUp(Collection<Consumer> consumers) {
        List<Consumer> shared = new ArrayList<>();
        for (Consumer c : consumers) {
            if (c.shared && c.active) {
                shared.add(c);
            }
        }
        if (shared.isEmpty()) {
            return;
        }
        if (limit == 0) { // the shared limit was lifted: only their own limits remain
            for (Consumer c : shared) {
                long add = c.limit == 0 ? Integer.MAX_VALUE - (long) c.granted : c.limit - c.outstanding - c.granted;
                if (add > 0) {
                    c.granted += (int) add;
                    c.subscription.addCredit((int) add);
                }
            }
            return;
        }
        long room = limit - held;
        for (Consumer c : shared) {
            room -= c.granted;
        }
        int[] give = new int[shared.size()];
        boolean progress = true;
        while (room > 0 && progress) {
            progress = false;
            for (int n = 0; n < shared.size() && room > 0; n++) {
                int i = (n + rotation) % shared.size();
                Consumer c = shared.get(i);
                if (c.limit == 0 || c.outstanding + c.granted + give[i] < c.limit) {
                    give[i]++;
                    room--;
                    progress = true;
                }
            }
        }
        rotation++;
        for (int i = 0; i < give.length; i++) {
            if (give[i] > 0) {
                Consumer c = shared.get(i);
                c.granted += give[i];
                c.subscription.addCredit(give[i]);
            }
        }
    }
}
