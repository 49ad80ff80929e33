package dev.trilog.kafka.group;

import dev.trilog.frontend.ConsumerGroups;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;

/**
 * The Kafka frontend's groups as the admin endpoint sees them: the classic and consumer (KIP-848)
 * groups of the {@link GroupCoordinator} and the share groups of the share coordinator (in memory: a share group
 * is known from its first member's heartbeat since the process started).
 */
public final class KafkaConsumerGroups implements ConsumerGroups {

    private final GroupCoordinator coordinator;
    private final Supplier<List<ConsumerGroups.Group>> shareGroups;

    /** @param shareGroups the share groups now; none when the listener serves no share groups */
    public KafkaConsumerGroups(GroupCoordinator coordinator, Supplier<List<ConsumerGroups.Group>> shareGroups) {
        this.coordinator = coordinator;
        this.shareGroups = shareGroups;
    }

    @Override
    public List<ConsumerGroups.Group> groups() {
        List<ConsumerGroups.Group> all = new ArrayList<>(shareGroups.get());
        for (ListedGroup listed : coordinator.listGroups(List.of(), List.of("classic", "consumer"))) {
            all.add(new ConsumerGroups.Group(listed.groupId(), listed.groupType().toLowerCase(Locale.ROOT), listed.groupState(),
                    coordinator.memberCount(listed.groupId())));
        }
        all.sort(Comparator.comparing(ConsumerGroups.Group::name).thenComparing(ConsumerGroups.Group::type));
        return all;
    }

    @Override
    public void resetOffsets(String group, Map<TopicPartition, Long> offsets) throws GroupNotEmptyException,
            IOException {
        Errors error = coordinator.resetOffsets(group, offsets);
        int members = coordinator.memberCount(group);
        if (error != Errors.NONE && members > 0) {
            String state = groups().stream().filter(g -> g.name().equals(group) && !g.type().equals("share"))
                    .map(ConsumerGroups.Group::state).findFirst().orElse("?");
            throw new GroupNotEmptyException("group '" + group + "' has " + members
                    + " member(s) (state " + state + "): offsets can only be reset while it has none");
        }
        if (error != Errors.NONE) {
            throw new IOException("resetting the offsets of group '" + group + "' failed: " + error.message());
        }
    }
}
