package dev.trilog.routing.message;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import java.util.UUID;

/** Random messages, values and texts from a seeded {@link Random}, so a failure repeats. */
final class RandomMessages {

    private static final String ESCAPED = "a.,:%é \t\u0000";
    private static final String[] WORDS = {"trilog", "trilog-x", "x-match", "名前", "😀", "", "trilog.x"};

    private final Random random;

    RandomMessages(long seed) {
        this.random = new Random(seed);
    }

    Message message() {
        Message.Builder b = Message.builder()
                .body(bytesOrNull(200))
                .key(bytesOrNull(20))
                .timestamp(random.nextBoolean() ? -1 : random.nextLong() >>> 20);
        int headers = random.nextInt(20);
        for (int i = 0; i < headers; i++) {
            String name = text();
            if (!name.startsWith(Message.RESERVED_PREFIX)) {
                b.header(name, value());
            }
        }
        return b.properties(properties()).build();
    }

    /** Any value of any type, sometimes with a custom type. */
    HeaderValue value() {
        HeaderValue v = switch (random.nextInt(20)) {
            case 0 -> HeaderValue.nullValue();
            case 1 -> HeaderValue.ofString(text());
            case 2 -> HeaderValue.ofBoolean(random.nextBoolean());
            case 3 -> HeaderValue.ofByte((byte) random.nextInt());
            case 4 -> HeaderValue.ofShort((short) random.nextInt());
            case 5 -> HeaderValue.ofInt(random.nextInt());
            case 6 -> HeaderValue.ofLong(random.nextLong());
            case 7 -> HeaderValue.ofUbyte(random.nextInt(256));
            case 8 -> HeaderValue.ofUshort(random.nextInt(65536));
            case 9 -> HeaderValue.ofUint(random.nextLong() >>> 32);
            case 10 -> HeaderValue.ofUlong(random.nextLong());
            case 11 -> HeaderValue.ofFloat(Float.intBitsToFloat(random.nextInt()));
            case 12 -> HeaderValue.ofDouble(Double.longBitsToDouble(random.nextLong()));
            case 13 -> HeaderValue.ofDecimal(new BigDecimal(new BigInteger(100, random), random.nextInt(60) - 30));
            case 14 -> HeaderValue.ofDecimal(new String[] {"1e5", "-0.00", "+3", "1E-7", "0"}[random.nextInt(5)]);
            case 15 -> HeaderValue.ofChar(codePoint());
            case 16 -> HeaderValue.ofSymbol(ascii());
            case 17 -> HeaderValue.ofUuid(new UUID(random.nextLong(), random.nextLong()));
            case 18 -> HeaderValue.ofTimestamp(random.nextLong());
            default -> HeaderValue.ofBinary(bytes(50));
        };
        String label = text();
        return random.nextInt(4) == 0 && !label.isEmpty() ? v.withCustomType(label) : v;
    }

    MessageProperties properties() {
        return MessageProperties.builder()
                .messageId(id())
                .correlationId(id())
                .userId(textOrNull())
                .to(textOrNull())
                .subject(textOrNull())
                .replyTo(textOrNull())
                .contentType(textOrNull())
                .contentEncoding(textOrNull())
                .expiryTime(longOrNull())
                .creationTime(longOrNull())
                .groupId(textOrNull())
                .groupSequence(random.nextBoolean() ? null : random.nextLong() >>> 32)
                .replyToGroupId(textOrNull())
                .type(textOrNull())
                .appId(textOrNull())
                .priority(random.nextBoolean() ? null : random.nextInt(256))
                .durable(random.nextBoolean() ? null : random.nextBoolean())
                .deduplicationId(textOrNull())
                .notBefore(longOrNull())
                .exchange(textOrNull())
                .routingKey(textOrNull())
                .build();
    }

    private HeaderValue id() {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> HeaderValue.ofString(text());
            case 2 -> HeaderValue.ofUlong(random.nextLong());
            case 3 -> HeaderValue.ofUuid(new UUID(random.nextLong(), random.nextLong()));
            default -> HeaderValue.ofBinary(bytes(16));
        };
    }

    /** Well-formed text of every kind: ASCII, escaped characters, Latin-1, any code point. */
    String text() {
        int length = random.nextInt(10);
        StringBuilder s = new StringBuilder();
        switch (random.nextInt(4)) {
            case 0 -> {
                return WORDS[random.nextInt(WORDS.length)];
            }
            case 1 -> {
                for (int i = 0; i < length; i++) {
                    s.append(ESCAPED.charAt(random.nextInt(ESCAPED.length())));
                }
            }
            case 2 -> {
                for (int i = 0; i < length; i++) {
                    s.append((char) random.nextInt(256));
                }
            }
            default -> {
                for (int i = 0; i < length; i++) {
                    s.appendCodePoint(codePoint());
                }
            }
        }
        return s.toString();
    }

    private int codePoint() {
        while (true) {
            int c = random.nextBoolean() ? random.nextInt(0x800) : random.nextInt(0x110000);
            if (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE) {
                return c;
            }
        }
    }

    private String ascii() {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(10); i > 0; i--) {
            s.append((char) random.nextInt(128));
        }
        return s.toString();
    }

    private String textOrNull() {
        return random.nextBoolean() ? null : text();
    }

    private Long longOrNull() {
        return random.nextBoolean() ? null : random.nextLong();
    }

    private byte[] bytes(int maxLength) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(b);
        return b;
    }

    private byte[] bytesOrNull(int maxLength) {
        return random.nextInt(5) == 0 ? null : bytes(maxLength);
    }
}
