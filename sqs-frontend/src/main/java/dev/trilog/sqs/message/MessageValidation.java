package dev.trilog.sqs.message;

import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import dev.trilog.sqs.protocol.SqsParams;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQS's rules for what a message may carry, answered with SQS's errors: the body's characters
 * ({@code InvalidMessageContents}), message and system attributes (at most 10; names, types and
 * values as the API reference defines them; {@code InvalidParameterValue}), and the total size
 * against the queue's {@code MaximumMessageSize}.
 */
public final class MessageValidation {

    public static final int MAX_ATTRIBUTES = 10;
    private static final int MAX_NAME_LENGTH = 256;
    private static final int MAX_TYPE_LENGTH = 256;
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    /** Number attributes: up to 38 significant digits, from -10^128 to 10^126. */
    private static final BigDecimal NUMBER_MIN = new BigDecimal("-1E128");
    private static final BigDecimal NUMBER_MAX = new BigDecimal("1E126");

    private MessageValidation() {
    }

    /**
     * @throws SqsException InvalidMessageContents when the body has a character SQS does not
     *         allow, MissingParameter when it is empty
     */
    public static void checkBody(String body) {
        if (body == null || body.isEmpty()) {
            throw SqsException.missingParameter("MessageBody");
        }
        if (!allowedCharacters(body)) {
            throw new SqsException(SqsError.INVALID_MESSAGE_CONTENTS,
                    "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF |"
                            + " #xE000 to #xFFFD | #x10000 to #x10FFFF");
        }
    }

    /**
     * SQS's allowed set: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. A
     * surrogate is allowed only as half of a pair, so text that passes is well-formed UTF-16 and
     * has a UTF-8 form. Read char by char, the pairs taken together: the common characters cost
     * one range check (a code point per character showed in the batch send's profile).
     */
    static boolean allowedCharacters(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0xD800 || c == 0x9 || c == 0xA || c == 0xD || c >= 0xE000 && c <= 0xFFFD) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // #x10000–#x10FFFF: every pair is one of those
                continue;
            }
            return false;
        }
        return true;
    }

    /**
     * Reads and checks the message attributes of a request ({@code MessageAttributes}).
     *
     * @param member {@code MessageAttributes} or {@code MessageSystemAttributes}
     */
    public static Map<String, MessageAttribute> attributes(SqsParams request, String member) {
        Map<String, SqsParams> given = request.structureMap(member);
        boolean system = member.equals("MessageSystemAttributes");
        String kind = system ? "system" : "user";
        if (given.size() > MAX_ATTRIBUTES) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Number of message attributes [" + given.size()
                    + "] exceeds the allowed maximum [" + MAX_ATTRIBUTES + "].");
        }
        Map<String, MessageAttribute> out = new LinkedHashMap<>();
        for (Map.Entry<String, SqsParams> e : given.entrySet()) {
            String name = e.getKey();
            if (system) {
                if (!name.equals("AWSTraceHeader")) {
                    throw new SqsException(SqsError.INVALID_PARAMETER_VALUE,
                            "Message system attribute name '" + name + "' is invalid.");
                }
            } else {
                checkAttributeName(name);
            }
            out.put(name, attribute(name, e.getValue(), kind));
        }
        if (system) {
            MessageAttribute trace = out.get("AWSTraceHeader");
            if (trace != null && !trace.dataType().equals("String")) {
                throw new SqsException(SqsError.INVALID_PARAMETER_VALUE,
                        "Message system attribute 'AWSTraceHeader' must be of type String.");
            }
        }
        return out;
    }

    private static void checkAttributeName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !ATTRIBUTE_NAME.matcher(name).matches()
                || name.startsWith(".") || name.endsWith(".") || name.contains("..")
                || lower.startsWith("aws.") || lower.startsWith("amazon.")) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Message (user) attribute name '" + name
                    + "' is invalid. The attribute name can contain the following characters: A-Z, a-z, 0-9,"
                    + " underscore(_), hyphen(-), and period (.). The name must not start or end with a period,"
                    + " and it should not have successive periods. The name must not start with 'AWS.' or"
                    + " 'Amazon.' and must be 256 characters or less.");
        }
    }

    private static MessageAttribute attribute(String name, SqsParams value, String kind) {
        String dataType = value.string("DataType").orElse("");
        if (dataType.isEmpty()) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "The message attribute '" + name
                    + "' must contain non-empty message attribute type.");
        }
        MessageAttribute typed = new MessageAttribute(dataType, null, null);
        String base = typed.baseType();
        if (dataType.length() > MAX_TYPE_LENGTH || !(base.equals("String") || base.equals("Number")
                || base.equals("Binary")) || dataType.endsWith(".")) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "The type of message (" + kind + ") attribute '"
                    + name + "' is invalid. You must use only the following supported type prefixes: Binary,"
                    + " Number, String.");
        }
        if (value.has("StringListValues") || value.has("BinaryListValues")) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Message attribute list values in"
                    + " SendMessage operation are not supported.");
        }
        if (base.equals("Binary")) {
            String encoded = value.string("BinaryValue").orElse("");
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(encoded);
            } catch (IllegalArgumentException ex) {
                throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "The message attribute '" + name
                        + "' has an invalid base64 binary value.");
            }
            if (bytes.length == 0 || value.has("StringValue")) {
                throw emptyValue(name, dataType);
            }
            return MessageAttribute.ofBinary(dataType, bytes);
        }
        String text = value.string("StringValue").orElse("");
        if (text.isEmpty() || value.has("BinaryValue")) {
            throw emptyValue(name, dataType);
        }
        if (!allowedCharacters(text)) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Message (" + kind + ") attribute '" + name
                    + "' must contain valid unicode characters.");
        }
        if (base.equals("Number")) {
            checkNumber(name, text, kind);
        }
        return MessageAttribute.ofString(dataType, text);
    }

    private static void checkNumber(String name, String text, String kind) {
        BigDecimal number;
        try {
            number = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Can't cast the value of message (" + kind
                    + ") attribute '" + name + "' to a number.");
        }
        if (number.precision() > 38 || number.compareTo(NUMBER_MIN) < 0 || number.compareTo(NUMBER_MAX) > 0) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "Value " + text + " for message (" + kind
                    + ") attribute '" + name + "' is out of range: numbers have up to 38 digits of precision,"
                    + " from -10^128 to 10^126.");
        }
    }

    private static SqsException emptyValue(String name, String dataType) {
        return new SqsException(SqsError.INVALID_PARAMETER_VALUE, "The message attribute '" + name
                + "' must contain a non-empty message attribute value for message attribute type '" + dataType
                + "'.");
    }

    /**
     * @param size what the message counts for, {@link #size}
     * @throws SqsException InvalidParameterValue when it exceeds {@code maximumSize}
     */
    public static void checkSize(long size, int maximumSize) {
        if (size > maximumSize) {
            throw new SqsException(SqsError.INVALID_PARAMETER_VALUE, "One or more parameters are invalid. Reason:"
                    + " Message must be shorter than " + maximumSize + " bytes.");
        }
    }

    /**
     * Bytes a message counts for toward batch and message limits.
     *
     * @param bodyBytes the length of the body's UTF-8 form
     */
    public static long size(int bodyBytes, Map<String, MessageAttribute> attributes) {
        long size = bodyBytes;
        for (Map.Entry<String, MessageAttribute> e : attributes.entrySet()) {
            size += e.getValue().size(e.getKey());
        }
        return size;
    }
}
