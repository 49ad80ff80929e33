package dev.trilog.kafka.security;

import dev.trilog.kafka.protocol.ApiTable;
import dev.trilog.kafka.protocol.KafkaRequest;
import dev.trilog.kafka.protocol.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.CreateAclsResponse;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

/**
 * CreateAcls, DescribeAcls and DeleteAcls over the {@link AclStore} — what {@code Admin.createAcls}
 * and {@code kafka-acls.sh} send. Who may call them (ALTER, DESCRIBE on the cluster) is checked
 * before, with every other API ({@link RequestAuthorization}). Without an authorizer they answer
 * {@code SECURITY_DISABLED}, as Kafka's broker does.
 */
public final class AclApis {

    /** The resource types Trilog keeps ACLs for. */
    static final Set<ResourceType> SUPPORTED_TYPES =
            Set.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID, ResourceType.CLUSTER);

    private final AclStore acls;

    private AclApis(AclStore acls) {
        this.acls = acls;
    }

    /** @param acls the store; null when the authorizer is off */
    public static void register(ApiTable table, AclStore acls) {
        AclApis apis = new AclApis(acls);
        table.register(ApiKeys.CREATE_ACLS, apis::create)
                .register(ApiKeys.DESCRIBE_ACLS, apis::describe)
                .register(ApiKeys.DELETE_ACLS, apis::delete);
    }

    private static final String DISABLED = "No Authorizer is configured (kafka.authorizer=acl turns it on).";

    private CompletableFuture<Reply> create(KafkaRequest request) {
        if (acls == null) {
            return done(request.error(new SecurityDisabledException(DISABLED)));
        }
        CreateAclsResponseData response = new CreateAclsResponseData();
        for (AclCreation creation : ((CreateAclsRequest) request.body()).aclCreations()) {
            response.results().add(create(creation));
        }
        return done(Reply.of(new CreateAclsResponse(response)));
    }

    private AclCreationResult create(AclCreation creation) {
        AclBinding binding;
        try {
            binding = CreateAclsRequest.aclBinding(creation);
        } catch (IllegalArgumentException e) {
            return failed(Errors.INVALID_REQUEST, e.getMessage());
        }
        Optional<String> invalid = invalid(binding);
        if (invalid.isPresent()) {
            return failed(Errors.INVALID_REQUEST, invalid.get());
        }
        try {
            acls.add(binding);
            return new AclCreationResult();
        } catch (IOException e) {
            return failed(Errors.KAFKA_STORAGE_ERROR, "the ACLs could not be written: " + e.getMessage());
        }
    }

    /** Why Kafka (and Trilog) refuses to keep {@code binding}, if it does. */
    static Optional<String> invalid(AclBinding binding) {
        ResourceType type = binding.pattern().resourceType();
        if (type == ResourceType.ANY || type == ResourceType.UNKNOWN) {
            return Optional.of("Invalid resourceType " + type);
        }
        if (!SUPPORTED_TYPES.contains(type)) {
            return Optional.of("Trilog keeps ACLs on TOPIC, GROUP, TRANSACTIONAL_ID and CLUSTER, not " + type);
        }
        PatternType pattern = binding.pattern().patternType();
        if (pattern != PatternType.LITERAL && pattern != PatternType.PREFIXED) {
            return Optional.of("Invalid patternType " + pattern);
        }
        if (binding.pattern().name() == null || binding.pattern().name().isEmpty()) {
            return Optional.of("Resource name should not be empty");
        }
        if (type == ResourceType.CLUSTER && !binding.pattern().name().equals(Resource.CLUSTER_NAME)) {
            return Optional.of("The only valid name for the CLUSTER resource is " + Resource.CLUSTER_NAME);
        }
        AclOperation operation = binding.entry().operation();
        if (operation == AclOperation.ANY || operation == AclOperation.UNKNOWN) {
            return Optional.of("Invalid operation " + operation);
        }
        AclPermissionType permission = binding.entry().permissionType();
        if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
            return Optional.of("Invalid permissionType " + permission);
        }
        String principal = binding.entry().principal();
        int colon = principal == null ? -1 : principal.indexOf(':');
        if (colon <= 0 || colon == principal.length() - 1) {
            return Optional.of("Could not parse principal from `" + principal + "` (no colon is present separating"
                    + " the principal type from the principal name)");
        }
        if (binding.entry().host() == null || binding.entry().host().isEmpty()) {
            return Optional.of("Invalid host");
        }
        return Optional.empty();
    }

    private static AclCreationResult failed(Errors error, String message) {
        return new AclCreationResult().setErrorCode(error.code()).setErrorMessage(message);
    }

    private CompletableFuture<Reply> describe(KafkaRequest request) {
        if (acls == null) {
            return done(request.error(new SecurityDisabledException(DISABLED)));
        }
        AclBindingFilter filter = ((DescribeAclsRequest) request.body()).filter();
        List<AclBinding> matching = acls.bindings().stream().filter(filter::matches).toList();
        DescribeAclsResponseData response = new DescribeAclsResponseData()
                .setResources(DescribeAclsResponse.aclsResources(matching));
        return done(Reply.of(new DescribeAclsResponse(response, request.version())));
    }

    private CompletableFuture<Reply> delete(KafkaRequest request) {
        if (acls == null) {
            return done(request.error(new SecurityDisabledException(DISABLED)));
        }
        DeleteAclsResponseData response = new DeleteAclsResponseData();
        for (AclBindingFilter filter : ((DeleteAclsRequest) request.body()).filters()) {
            DeleteAclsFilterResult result = new DeleteAclsFilterResult();
            try {
                Set<AclBinding> removed = new LinkedHashSet<>(acls.remove(filter));
                List<DeleteAclsResponseData.DeleteAclsMatchingAcl> matching = new ArrayList<>();
                removed.forEach(binding -> matching.add(DeleteAclsResponse.matchingAcl(binding, ApiError.NONE)));
                result.setMatchingAcls(matching);
            } catch (IOException e) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                        .setErrorMessage("the ACLs could not be written: " + e.getMessage());
            }
            response.filterResults().add(result);
        }
        return done(Reply.of(new DeleteAclsResponse(response, request.version())));
    }

    private static CompletableFuture<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
