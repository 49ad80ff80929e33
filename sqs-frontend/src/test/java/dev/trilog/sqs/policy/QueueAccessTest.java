package dev.trilog.sqs.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trilog.sqs.protocol.SqsAction;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** IAM's evaluation of one queue policy, and Trilog's rule for the owner keys, request by request. */
class QueueAccessTest {

    private static final String ACCOUNT = "000000000000";
    private static final String ARN = "arn:aws:sqs:us-east-1:000000000000:orders";
    private static final String URL = "http://localhost:9324/000000000000/orders";
    private static final QueueAccess ACCESS = QueueAccess.enforced(Set.of("OWNER"), ACCOUNT);

    private static boolean allowed(String caller, SqsAction action, String policy) {
        try {
            ACCESS.check(caller, action, ARN, policy, URL);
            return true;
        } catch (SqsException e) {
            assertThat(e.error()).isEqualTo(SqsError.ACCESS_DENIED);
            assertThat(e.getMessage()).isEqualTo("Access to the resource " + URL + " is denied.");
            return false;
        }
    }

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    private static String statement(String effect, String principal, String action, String resource) {
        return "{\"Effect\":\"" + effect + "\",\"Principal\":" + principal + ",\"Action\":" + action
                + ",\"Resource\":\"" + resource + "\"}";
    }

    @Test
    void anAllowForOneKeyLetsItAndNoOtherNonOwnerKey() {
        String policy = policy(statement("Allow", "{\"AWS\":\"KEYA\"}", "\"sqs:SendMessage\"", ARN));
        assertThat(allowed("KEYA", SqsAction.SEND_MESSAGE, policy)).isTrue();
        assertThat(allowed("KEYA", SqsAction.SEND_MESSAGE_BATCH, policy)).as("a batch is judged as its single form").isTrue();
        assertThat(allowed("KEYA", SqsAction.RECEIVE_MESSAGE, policy)).isFalse();
        assertThat(allowed("KEYB", SqsAction.SEND_MESSAGE, policy)).isFalse();
        assertThat(allowed("OWNER", SqsAction.RECEIVE_MESSAGE, policy)).as("the owner needs no Allow").isTrue();
    }

    @Test
    void anExplicitDenyWinsOverAnAllowAndBindsTheOwnerTooButNotOverItsPolicy() {
        String policy = policy(statement("Allow", "\"*\"", "\"sqs:*\"", "*"),
                statement("Deny", "{\"AWS\":[\"KEYB\",\"OWNER\"]}", "[\"sqs:Send*\",\"sqs:SetQueueAttributes\"]", ARN));
        assertThat(allowed("KEYA", SqsAction.SEND_MESSAGE, policy)).isTrue();
        assertThat(allowed("KEYB", SqsAction.SEND_MESSAGE, policy)).isFalse();
        assertThat(allowed("KEYB", SqsAction.RECEIVE_MESSAGE, policy)).isTrue();
        assertThat(allowed("OWNER", SqsAction.SEND_MESSAGE, policy)).isFalse();
        assertThat(allowed("KEYB", SqsAction.SET_QUEUE_ATTRIBUTES, policy)).isFalse();
        assertThat(allowed("OWNER", SqsAction.SET_QUEUE_ATTRIBUTES, policy)).as("no policy locks its owner out").isTrue();
    }

    @Test
    void principalsMatchTheKeyAnArnEndingInItOrTheAccount() {
        for (String principal : new String[] {"\"*\"", "{\"AWS\":\"*\"}", "{\"AWS\":\"KEYA\"}",
                "{\"AWS\":[\"x\",\"arn:aws:iam::000000000000:user/KEYA\"]}", "{\"AWS\":\"000000000000\"}",
                "{\"AWS\":\"arn:aws:iam::000000000000:root\"}"}) {
            assertThat(allowed("KEYA", SqsAction.PURGE_QUEUE, policy(statement("Allow", principal, "\"sqs:*\"", ARN))))
                    .as(principal).isTrue();
        }
        for (String principal : new String[] {"{\"AWS\":\"KEYAX\"}", "{\"AWS\":\"arn:aws:iam::111122223333:root\"}",
                "{\"Service\":\"sns.amazonaws.com\"}", "{\"AWS\":\"arn:aws:iam::000000000000:user/XKEYA\"}"}) {
            assertThat(allowed("KEYA", SqsAction.PURGE_QUEUE, policy(statement("Allow", principal, "\"sqs:*\"", ARN))))
                    .as(principal).isFalse();
        }
    }

    @Test
    void actionsAndResourcesTakeWildcards() {
        String receiveOnOrdersStar = policy(statement("Allow", "\"*\"", "\"SQS:Receive*\"",
                "arn:aws:sqs:*:000000000000:ord?rs*"));
        assertThat(allowed("KEYA", SqsAction.RECEIVE_MESSAGE, receiveOnOrdersStar)).isTrue();
        assertThat(allowed("KEYA", SqsAction.DELETE_MESSAGE, receiveOnOrdersStar)).isFalse();
        String otherQueue = policy(statement("Allow", "\"*\"", "\"*\"", "arn:aws:sqs:us-east-1:000000000000:other"));
        assertThat(allowed("KEYA", SqsAction.RECEIVE_MESSAGE, otherQueue)).isFalse();
    }

    @Test
    void aConditionIsNotEvaluatedSoItNeverAllowsAndAlwaysDenies() {
        String condition = ",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:0:t\"}}}";
        String allowIf = statement("Allow", "\"*\"", "\"sqs:*\"", ARN).replaceAll("}$", condition);
        String denyIf = statement("Deny", "\"*\"", "\"sqs:SendMessage\"", ARN).replaceAll("}$", condition);
        assertThat(allowed("KEYA", SqsAction.SEND_MESSAGE, policy(allowIf))).isFalse();
        assertThat(allowed("OWNER", SqsAction.SEND_MESSAGE, policy(denyIf))).isFalse();
    }

    @Test
    void aPolicyWithNoStatementLeavesTheQueueToItsOwnersAndNoPolicyToEveryKey() {
        assertThat(allowed("KEYA", SqsAction.SEND_MESSAGE, policy())).isFalse();
        assertThat(allowed("OWNER", SqsAction.SEND_MESSAGE, policy())).isTrue();
        assertThat(allowed("KEYA", SqsAction.SEND_MESSAGE, null)).isTrue();
        assertThatCode(() -> QueueAccess.open().check("KEYA", SqsAction.SEND_MESSAGE, ARN, policy(), URL))
                .as("without access keys nobody is known, so nothing is enforced").doesNotThrowAnyException();
    }

    @Test
    void whatTrilogCannotEnforceIsRefusedWhenSet() {
        for (String bad : new String[] {"[]", "{}", "{\"Statement\":{\"Effect\":\"Maybe\",\"Principal\":\"*\","
                + "\"Action\":\"sqs:*\"}}", policy("{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"A\"},"
                + "\"Action\":\"sqs:*\"}"), policy("{\"Effect\":\"Allow\",\"Action\":\"sqs:*\"}"),
                policy("{\"Effect\":\"Allow\",\"Principal\":\"KEYA\",\"Action\":\"sqs:*\"}"), "not json"}) {
            assertThatThrownBy(() -> QueuePolicy.parse(bad)).as(bad).isInstanceOfSatisfying(SqsException.class,
                    e -> assertThat(e.error()).isEqualTo(SqsError.INVALID_ATTRIBUTE_VALUE));
        }
    }

    @Test
    void grantsAreStatementsAddedAndRemovedByLabel() {
        QueuePolicy granted = QueuePolicy.empty(ARN).withGrant("l1", java.util.List.of("KEYA"),
                java.util.List.of("SendMessage"), ARN);
        assertThat(granted.hasStatement("l1")).isTrue();
        assertThat(granted.evaluate("KEYA", ACCOUNT, "sqs:SendMessage", ARN)).isEqualTo(QueuePolicy.Decision.ALLOW);
        assertThat(granted.toJson()).contains("\"Sid\":\"l1\"", "\"SQS:SendMessage\"", ARN + "/SQSDefaultPolicy");
        QueuePolicy removed = granted.withoutStatement("l1");
        assertThat(removed.hasStatement("l1")).isFalse();
        assertThat(removed.evaluate("KEYA", ACCOUNT, "sqs:SendMessage", ARN))
                .isEqualTo(QueuePolicy.Decision.NOT_ALLOWED);
    }
}
