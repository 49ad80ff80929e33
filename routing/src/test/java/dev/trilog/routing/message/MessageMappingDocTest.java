package dev.trilog.routing.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/message-mapping.md is the frontends' contract: it must name everything the code writes. */
class MessageMappingDocTest {

    private static String doc() throws Exception {
        return Files.readString(Path.of("..", "docs", "message-mapping.md"));
    }

    @Test
    void everyReservedHeaderIsInTheTable() throws Exception {
        String doc = doc();
        for (PropertyHeader property : PropertyHeader.ALL) {
            assertThat(doc).as(property.name()).contains("| `" + property.name() + "`");
        }
        assertThat(doc).contains("`" + TypeDescriptor.HEADER + "`");
    }

    @Test
    void everyValueTypeIsInTheTable() throws Exception {
        String doc = doc();
        for (ValueType type : ValueType.values()) {
            assertThat(doc).as(type.token()).contains("| `" + type.token() + "` |");
        }
    }

    @Test
    void theDocumentedTypesHeaderIsWhatTheCodeWrites() throws Exception {
        Message message = Message.builder()
                .header("count", HeaderValue.ofLong(1))
                .header("ratio", HeaderValue.ofDouble(1))
                .header("blob", HeaderValue.ofBinary(new byte[0]))
                .header("price", HeaderValue.ofDecimal("1").withCustomType("usd"))
                .properties(MessageProperties.builder().messageId(HeaderValue.ofUuid(java.util.UUID.randomUUID()))
                        .build())
                .build();
        String types = RecordTrip.headerText(RecordTrip.throughBatch(MessageMapping.toRecord(message), "none"),
                TypeDescriptor.HEADER);
        assertThat(doc()).contains(types);
        TypeDescriptor escaped = new TypeDescriptor();
        escaped.add("emoji 😀", HeaderValue.ofLong(1));
        assertThat(new String(escaped.toBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("emoji%20%F0%9F%98%80:long");
    }
}
