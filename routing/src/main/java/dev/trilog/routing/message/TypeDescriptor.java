package dev.trilog.routing.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code trilog.types} header: the types of the record's headers whose value is not plain
 * text, so another protocol gets the exact type back while a Kafka consumer still reads every
 * value as text.
 *
 * <p>Format (UTF-8): entries joined by {@code ,}; an entry is {@code name:type} or
 * {@code name:type.label}, for example {@code count:long,ratio:double,blob:binary,price:decimal.float}.
 * {@code type} is a {@link ValueType#token()}; {@code label} is the value's custom type. In names
 * and labels {@code %}, {@code ,}, {@code :}, spaces, control characters and every non-ASCII
 * character are percent-encoded (the UTF-8 bytes, {@code %XX}), so any name fits.
 *
 * <p>A header absent from the list is a string when its bytes are well-formed UTF-8, binary
 * otherwise, and null when its value is null; that rule also reads records from plain Kafka
 * producers. A header is listed only when that rule would not give its type back: every
 * non-string, non-null value, and any value with a custom type. Reading is lenient: an entry
 * that does not parse, or names a type this version does not know, is ignored.
 */
final class TypeDescriptor {

    static final String HEADER = "trilog.types";

    /** A listed type: the value type and its custom label (null for none). */
    record Entry(ValueType type, String label) {
    }

    /** Made on the first entry: most messages need none, and this runs for every publish. */
    private StringBuilder text;

    /** True when {@code value} read back without an entry would lose its type. */
    static boolean needsEntry(HeaderValue value) {
        return value.customType().isPresent()
                || value.type() != ValueType.STRING && value.type() != ValueType.NULL;
    }

    /** Lists {@code name} with the type of {@code value}. */
    void add(String name, HeaderValue value) {
        if (text == null) {
            text = new StringBuilder();
        } else {
            text.append(',');
        }
        escape(name, text);
        text.append(':').append(value.type().token());
        value.customType().ifPresent(label -> escape(label, text.append('.')));
    }

    boolean isEmpty() {
        return text == null;
    }

    byte[] toBytes() {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The entries of a {@code trilog.types} value, by header name; bad entries are skipped. */
    static Map<String, Entry> parse(byte[] header) {
        Map<String, Entry> entries = new HashMap<>();
        if (header == null) {
            return entries;
        }
        String text = Utf8.decodeOrNull(header);
        if (text == null) {
            return entries;
        }
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf(',', start);
            if (end < 0) {
                end = text.length();
            }
            parseEntry(text.substring(start, end), entries);
            start = end + 1;
        }
        return entries;
    }

    private static void parseEntry(String entry, Map<String, Entry> entries) {
        int colon = entry.indexOf(':');
        if (colon < 0) {
            return;
        }
        String rest = entry.substring(colon + 1);
        int dot = rest.indexOf('.');
        String token = dot < 0 ? rest : rest.substring(0, dot);
        ValueType type = ValueType.forToken(token).orElse(null);
        String name = unescape(entry.substring(0, colon));
        String label = dot < 0 ? null : unescape(rest.substring(dot + 1));
        if (type != null && name != null && (dot < 0 || label != null && !label.isEmpty())) {
            entries.put(name, new Entry(type, label));
        }
    }

    private static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x20 && c < 0x7F && c != '%' && c != ',' && c != ':') {
                out.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
                i = end - 1;
            }
        }
    }

    /** The text with its {@code %XX} escapes decoded, or null when they are malformed. */
    private static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                byte[] literal = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(literal, 0, literal.length);
                continue;
            }
            if (i + 2 >= s.length()) {
                return null;
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        return Utf8.decodeOrNull(bytes.toByteArray());
    }
}
