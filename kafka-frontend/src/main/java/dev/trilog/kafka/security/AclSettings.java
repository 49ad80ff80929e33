package dev.trilog.kafka.security;

import java.util.Set;

/**
 * The Kafka listener's authorizer settings.
 *
 * @param enabled                    {@code kafka.authorizer=acl}: every request is checked against the ACLs;
 *                                   off, every client may do everything (as Kafka without an authorizer)
 * @param superUsers                 Kafka's {@code super.users}: principals ({@code User:admin}) allowed everything
 * @param allowEveryoneIfNoAclFound  Kafka's {@code allow.everyone.if.no.acl.found}: a resource no ACL names is open to all
 */
public record AclSettings(boolean enabled, Set<String> superUsers, boolean allowEveryoneIfNoAclFound) {

    public static final AclSettings OFF = new AclSettings(false, Set.of(), false);

    public AclSettings {
        superUsers = Set.copyOf(superUsers);
    }
}
