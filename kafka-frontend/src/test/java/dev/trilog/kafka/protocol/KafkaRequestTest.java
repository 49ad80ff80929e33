package dev.trilog.kafka.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trilog.kafka.KafkaTestApis;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsResponse;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KafkaRequest#error}: every request a client can send, at every version, gets its API's
 * own error answer — also when the fields the protocol lets be null are null, which
 * kafka-clients' own {@code getErrorResponse} does not always expect.
 */
class KafkaRequestTest {

    @Test
    void describeUserScramCredentialsForEveryUserIsAnsweredWithTheError() {
        // the fuzz target's finding (found-describe-every-scram-user-refused): null users is "every
        // user", and kafka-clients' error response threw NullPointerException on it, which left the
        // connection's later answers waiting behind one that never came
        DescribeUserScramCredentialsRequest describeAll = new DescribeUserScramCredentialsRequest.Builder(
                new DescribeUserScramCredentialsRequestData().setUsers(null)).build((short) 0);

        Reply reply = KafkaTestApis.request(describeAll).error(new UnsupportedVersionException("not here"));

        DescribeUserScramCredentialsResponse response = (DescribeUserScramCredentialsResponse) reply.response();
        assertThat(response.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(response.data().results()).isEmpty();
    }

    static Stream<Arguments> everyVersionWithItsNullableFieldsNull() {
        return Stream.of(ApiKeys.values()).flatMap(api -> IntStream.rangeClosed(api.oldestVersion(), api.latestVersion())
                .mapToObj(version -> Arguments.of(api, (short) version)));
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyVersionWithItsNullableFieldsNull")
    void everyRequestIsAnsweredWithItsOwnErrorWhateverItsNullableFields(ApiKeys api, short version) throws Exception {
        AbstractRequest request = withNullableFieldsNull(api, version);

        KafkaRequest received = KafkaTestApis.request(request);
        Reply reply = received.error(new UnsupportedVersionException("not here"));

        if (reply.response() != null) { // a produce with acks=0 is never answered
            assertThat(reply.response().apiKey()).isEqualTo(api);
            assertThat(received.context().buildResponseSend(reply.response()).size()).as("written").isPositive();
        }
    }

    /** The API's request at {@code version} with every top-level field its schema lets be null set to null, as read off the wire. */
    private static AbstractRequest withNullableFieldsNull(ApiKeys api, short version) throws Exception {
        ApiMessage data = ApiMessageType.fromApiKey(api.id).newRequest();
        for (BoundField field : ApiMessageType.fromApiKey(api.id).requestSchemas()[version].fields()) {
            if (field.def.type.isNullable()) {
                setter(data, field.def.name).invoke(data, (Object) null);
            }
        }
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(data, version).buffer();
        try {
            return AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(bytes)).request;
        } catch (RuntimeException e) {
            // kafka-clients refuses it as it reads it (DescribeAcls' UNKNOWN filters): the
            // connection closes before any handler sees it, as KafkaRequestFuzzTest checks
            Assumptions.abort("not a request kafka-clients reads: " + e.getMessage());
            throw e;
        }
    }

    private static Method setter(ApiMessage data, String field) {
        StringBuilder name = new StringBuilder("set"); // the schema's snake_case name, as the setter spells it
        for (String word : field.split("_")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return Stream.of(data.getClass().getMethods()).filter(m -> m.getName().contentEquals(name) && m.getParameterCount() == 1)
                .findFirst().orElseThrow(() -> new AssertionError(data.getClass().getSimpleName() + " has no " + name));
    }
}
