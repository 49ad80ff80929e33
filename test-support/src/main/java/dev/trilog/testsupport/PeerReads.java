package dev.trilog.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer's bytes fed to an {@link EmbeddedChannel} in reads of a chosen size, as a socket may
 * deliver them, and what the channel wrote back: how the fuzz targets drive a pipeline and check
 * that its answer does not depend on where the reads were cut. Needs Netty on the test class path
 * (an optional dependency of this module).
 */
public final class PeerReads {

    private final List<ByteBuf> reads = new ArrayList<>();

    private PeerReads() {
    }

    /** Writes {@code input} inbound, {@code readSize} bytes a read (at least 1), until it is all sent or the channel closes. */
    public static PeerReads feed(EmbeddedChannel channel, byte[] input, int readSize) {
        PeerReads fed = new PeerReads();
        int size = Math.max(readSize, 1);
        for (int at = 0; at < input.length && channel.isOpen(); at += size) {
            ByteBuf read = Unpooled.wrappedBuffer(input, at, Math.min(size, input.length - at));
            fed.reads.add(read);
            channel.writeInbound(read);
        }
        return fed;
    }

    /** Everything {@code channel} wrote so far, in order, as one array; the written buffers are released. */
    public static byte[] written(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf piece;
        while ((piece = channel.readOutbound()) != null) {
            all.writeBytes(piece);
            piece.release();
        }
        return ByteBufUtil.getBytes(all);
    }

    /** @throws AssertionError when a handler still holds (or leaked) one of the reads; call once the channel is finished */
    public void assertReleased() {
        for (ByteBuf read : reads) {
            if (read.refCnt() != 0) {
                throw new AssertionError("a read of " + read.capacity() + " bytes is still held (refCnt " + read.refCnt() + ")");
            }
        }
    }
}
