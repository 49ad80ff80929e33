package dev.trilog.sqs.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * One SQS message attribute as the API carries it: a data type ({@code String}, {@code Number},
 * {@code Binary}, each optionally with a custom suffix such as {@code Number.float}) and either a
 * string value (String, Number) or a binary value (Binary).
 */
public record MessageAttribute(String dataType, String stringValue, byte[] binaryValue) {

    public MessageAttribute {
        Objects.requireNonNull(dataType, "dataType");
    }

    public static MessageAttribute ofString(String dataType, String value) {
        return new MessageAttribute(dataType, value, null);
    }

    public static MessageAttribute ofBinary(String dataType, byte[] value) {
        return new MessageAttribute(dataType, null, value);
    }

    /** The base type: the part of the data type before the first dot. */
    public String baseType() {
        int dot = dataType.indexOf('.');
        return dot < 0 ? dataType : dataType.substring(0, dot);
    }

    /** The custom suffix after {@code <base>.}, or null. */
    public String customType() {
        int dot = dataType.indexOf('.');
        return dot < 0 ? null : dataType.substring(dot + 1);
    }

    public boolean isBinary() {
        return "Binary".equals(baseType());
    }

    /** What counts toward the message size: name, type and value bytes (AWS's rule). */
    public int size(String name) {
        int value = isBinary() ? binaryValue.length : Utf8Length.of(stringValue);
        return Utf8Length.of(name) + Utf8Length.of(dataType) + value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageAttribute other && dataType.equals(other.dataType)
                && Objects.equals(stringValue, other.stringValue) && Arrays.equals(binaryValue, other.binaryValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataType, stringValue, Arrays.hashCode(binaryValue));
    }
}
