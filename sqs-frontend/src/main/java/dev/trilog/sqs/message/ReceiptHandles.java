package dev.trilog.sqs.message;

import dev.trilog.routing.queue.DeliveryTag;
import dev.trilog.sqs.protocol.SqsError;
import dev.trilog.sqs.protocol.SqsException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Receipt handles: the facade's {@link DeliveryTag} (queue, partition, offset, which delivery) sealed with an
 * HMAC-SHA256 under the broker's secret, so a client cannot make one up or alter one, and the
 * broker needs no table to find the in-flight record again.
 *
 * <pre>
 * base64url( version:1 | partition:4 | offset:8 | acquisitions:4 | queue name (UTF-8) | mac:16 )
 * </pre>
 *
 * The mac is the first 16 bytes of HMAC-SHA256(secret, everything before it). The secret is
 * kept durably by the caller, so handles stay valid across a restart as SQS's do.
 *
 * <p>There may be more than one secret: nodes of a cluster that start together may each store
 * one before they see another's. Handles are sealed with the first secret and opened with any,
 * and a handle that none opens makes the secrets be read again once (another node's may have
 * arrived since), so a handle one node sealed opens on whichever node serves the queue next.
 */
public final class ReceiptHandles {

    private static final byte VERSION = 1;
    private static final int MAC_LENGTH = 16;
    private static final int FIXED_LENGTH = 1 + 4 + 8 + 4;

    private final Supplier<List<byte[]>> secrets;
    /**
     * The secrets as last read, each as an HMAC initialised with it; the first seals. Never used
     * itself: each thread works on its own clones ({@link #macs}); looking the algorithm up and
     * initialising a {@link Mac} for every handle showed in the SQS profile
     * ({@code Mac.chooseProvider}), and so did a clone per handle.
     */
    private volatile List<Mac> keys;
    private final ThreadLocal<ThreadMacs> threadMacs = new ThreadLocal<>();

    /** One thread's clones of {@code of}, with room for a digest. */
    private record ThreadMacs(List<Mac> of, Mac[] macs, byte[] digest) {
    }

    public ReceiptHandles(byte[] secret) {
        this(() -> List.of(secret));
    }

    /** @param secrets every secret a handle may be sealed with, the one to seal with first; never empty */
    public ReceiptHandles(Supplier<List<byte[]>> secrets) {
        this.secrets = secrets;
        this.keys = readKeys();
    }

    private List<Mac> readKeys() {
        List<byte[]> all = secrets.get();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("there is no receipt-handle secret");
        }
        for (byte[] secret : all) {
            if (secret.length < 16) {
                throw new IllegalArgumentException("a receipt-handle secret has at least 16 bytes");
            }
        }
        List<Mac> macs = new ArrayList<>(all.size());
        for (byte[] secret : all) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.clone(), "HmacSHA256"));
                macs.add(mac);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JDK has HmacSHA256", e);
            }
        }
        return List.copyOf(macs);
    }

    public String encode(DeliveryTag handle) {
        byte[] queue = handle.queue().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(FIXED_LENGTH + queue.length + MAC_LENGTH);
        buffer.put(VERSION).putInt(handle.partition()).putLong(handle.offset()).putInt(handle.acquisitions())
                .put(queue);
        byte[] bytes = buffer.array();
        ThreadMacs macs = macs(keys);
        byte[] digest = mac(macs.macs()[0], bytes, bytes.length - MAC_LENGTH, macs.digest());
        System.arraycopy(digest, 0, bytes, bytes.length - MAC_LENGTH, MAC_LENGTH);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * @throws SqsException ReceiptHandleIsInvalid when the text is not a handle this broker made
     */
    public DeliveryTag decode(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw invalid(text);
        }
        if (bytes.length <= FIXED_LENGTH + MAC_LENGTH || bytes[0] != VERSION) {
            throw invalid(text);
        }
        int signedLength = bytes.length - MAC_LENGTH;
        if (!sealedByAny(macs(keys), bytes, signedLength)) {
            List<Mac> current = readKeys(); // another node's secret may have arrived
            keys = current;
            if (!sealedByAny(macs(current), bytes, signedLength)) {
                throw invalid(text);
            }
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, signedLength - 1);
        int partition = buffer.getInt();
        long offset = buffer.getLong();
        int acquisitions = buffer.getInt();
        String queue = new String(bytes, FIXED_LENGTH, signedLength - FIXED_LENGTH, StandardCharsets.UTF_8);
        return new DeliveryTag(queue, partition, offset, acquisitions);
    }

    /** This thread's clones of {@code current}, made again when the secrets were read again. */
    private ThreadMacs macs(List<Mac> current) {
        ThreadMacs macs = threadMacs.get();
        if (macs == null || macs.of() != current) {
            Mac[] clones = new Mac[current.size()];
            for (int i = 0; i < clones.length; i++) {
                try {
                    clones[i] = (Mac) current.get(i).clone();
                } catch (CloneNotSupportedException e) {
                    throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
                }
            }
            macs = new ThreadMacs(current, clones, new byte[clones[0].getMacLength()]);
            threadMacs.set(macs);
        }
        return macs;
    }

    private static boolean sealedByAny(ThreadMacs macs, byte[] bytes, int signedLength) {
        for (Mac key : macs.macs()) {
            byte[] digest = mac(key, bytes, signedLength, macs.digest());
            int difference = 0; // in constant time, as MessageDigest.isEqual
            for (int i = 0; i < MAC_LENGTH; i++) {
                difference |= digest[i] ^ bytes[signedLength + i];
            }
            if (difference == 0) {
                return true;
            }
        }
        return false;
    }

    /** HMAC-SHA256 of the first {@code length} bytes under {@code mac} into {@code digest}; the mac is reset. */
    private static byte[] mac(Mac mac, byte[] bytes, int length, byte[] digest) {
        mac.update(bytes, 0, length);
        try {
            mac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("the digest buffer has the mac's length", e);
        }
        return digest;
    }

    private static SqsException invalid(String text) {
        return new SqsException(SqsError.RECEIPT_HANDLE_IS_INVALID,
                "The input receipt handle \"" + text + "\" is not a valid receipt handle.");
    }
}
