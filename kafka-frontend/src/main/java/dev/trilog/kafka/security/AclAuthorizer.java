package dev.trilog.kafka.security;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Kafka's ACL decision, as Apache Kafka's {@code StandardAuthorizer} makes it: super users may do
 * everything; otherwise the ACLs on the resource — LITERAL ones naming it or {@code *}, PREFIXED
 * ones whose name starts it — that match the principal ({@code User:name} or {@code User:*}) and
 * the client's host ({@code *} or its address) decide: a DENY of the operation (or of ALL) wins over
 * any ALLOW; an ALLOW of the operation, of ALL, or of one that implies it (READ, WRITE, DELETE and
 * ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS) allows. A resource no ACL names at
 * all is allowed only with {@code allow.everyone.if.no.acl.found}.
 */
public final class AclAuthorizer {

    public static final String WILDCARD_PRINCIPAL = KafkaPrincipal.USER_TYPE + ":*";
    private static final String WILDCARD_HOST = "*";
    private static final Set<AclOperation> IMPLY_DESCRIBE =
            Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER);

    private final AclSettings settings;
    private final AclStore acls;

    public AclAuthorizer(AclSettings settings, AclStore acls) {
        this.settings = settings;
        this.acls = acls;
    }

    public AclStore acls() {
        return acls;
    }

    public boolean authorize(KafkaPrincipal principal, InetAddress host, AclOperation operation, ResourceType type,
            String name) {
        if (isSuperUser(principal)) {
            return true;
        }
        boolean anyAclOnResource = false;
        boolean allowed = false;
        for (AclBinding binding : acls.bindings()) {
            if (!covers(binding.pattern(), type, name)) {
                continue;
            }
            anyAclOnResource = true;
            AccessControlEntry entry = binding.entry();
            if (!matches(entry, principal, host)) {
                continue;
            }
            if (entry.permissionType() == AclPermissionType.DENY && deniesExactly(entry.operation(), operation)) {
                return false;
            }
            allowed |= entry.permissionType() == AclPermissionType.ALLOW && implies(entry.operation(), operation);
        }
        return allowed || (!anyAclOnResource && settings.allowEveryoneIfNoAclFound());
    }

    /**
     * Whether the principal may do {@code operation} on at least one resource of {@code type} (Kafka's
     * {@code authorizeByResourceType}, which lets an idempotent producer in that may write some topic):
     * an ALLOW pattern counts unless a DENY pattern covers all it names.
     */
    public boolean authorizeAny(KafkaPrincipal principal, InetAddress host, AclOperation operation, ResourceType type) {
        if (authorize(principal, host, operation, type, "\u0000no resource has this name")) {
            return true; // a super user, or allowed where no ACL is found
        }
        List<ResourcePattern> allows = new ArrayList<>();
        List<ResourcePattern> denies = new ArrayList<>();
        for (AclBinding binding : acls.bindings()) {
            AccessControlEntry entry = binding.entry();
            if (binding.pattern().resourceType() != type || !matches(entry, principal, host)) {
                continue;
            }
            if (entry.permissionType() == AclPermissionType.DENY && deniesExactly(entry.operation(), operation)) {
                denies.add(binding.pattern());
            } else if (entry.permissionType() == AclPermissionType.ALLOW && implies(entry.operation(), operation)) {
                allows.add(binding.pattern());
            }
        }
        for (ResourcePattern deny : denies) {
            if (deny.patternType() == PatternType.LITERAL && deny.name().equals(ResourcePattern.WILDCARD_RESOURCE)) {
                return false;
            }
        }
        return allows.stream().anyMatch(allow -> denies.stream().noneMatch(deny -> deniesAllOf(deny, allow)));
    }

    private boolean isSuperUser(KafkaPrincipal principal) {
        return settings.superUsers().contains(principal.toString());
    }

    /** Whether {@code pattern} applies to the resource {@code type}/{@code name}. */
    static boolean covers(ResourcePattern pattern, ResourceType type, String name) {
        if (pattern.resourceType() != type) {
            return false;
        }
        return switch (pattern.patternType()) {
            case LITERAL -> pattern.name().equals(name) || pattern.name().equals(ResourcePattern.WILDCARD_RESOURCE);
            case PREFIXED -> name.startsWith(pattern.name());
            default -> false;
        };
    }

    private static boolean matches(AccessControlEntry entry, KafkaPrincipal principal, InetAddress host) {
        boolean principalMatches = entry.principal().equals(WILDCARD_PRINCIPAL) || entry.principal().equals(principal.toString());
        return principalMatches && (entry.host().equals(WILDCARD_HOST) || entry.host().equals(host.getHostAddress()));
    }

    /** A DENY applies to the operation it names and to everything when it names ALL; it implies nothing. */
    private static boolean deniesExactly(AclOperation denied, AclOperation requested) {
        return denied == AclOperation.ALL || denied == requested;
    }

    private static boolean implies(AclOperation allowed, AclOperation requested) {
        return allowed == AclOperation.ALL || allowed == requested
                || (requested == AclOperation.DESCRIBE && IMPLY_DESCRIBE.contains(allowed))
                || (requested == AclOperation.DESCRIBE_CONFIGS && allowed == AclOperation.ALTER_CONFIGS);
    }

    /** Whether every resource {@code allow} names is also covered by {@code deny}. */
    private static boolean deniesAllOf(ResourcePattern deny, ResourcePattern allow) {
        if (deny.patternType() == PatternType.LITERAL) {
            return allow.patternType() == PatternType.LITERAL && deny.name().equals(allow.name());
        }
        return allow.name().startsWith(deny.name());
    }
}
