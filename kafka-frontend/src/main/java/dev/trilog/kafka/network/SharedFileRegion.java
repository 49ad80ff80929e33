package dev.trilog.kafka.network;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file region over a segment's shared {@link FileChannel} that, unlike Netty's
 * {@code DefaultFileRegion}, never closes the channel: the log owns it, and the response keeps
 * the segment alive until the write completes. On the NIO transport
 * {@link #transferTo(WritableByteChannel, long)} is {@code FileChannel.transferTo} into the
 * socket, which the JDK turns into {@code sendfile} on Linux: the bytes never enter the heap.
 */
final class SharedFileRegion extends AbstractReferenceCounted implements FileRegion {

    private final FileChannel file;
    private final long position;
    private final long count;
    private long transferred;

    SharedFileRegion(FileChannel file, long position, long count) {
        this.file = file;
        this.position = position;
        this.count = count;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long transferTo(WritableByteChannel target, long offset) throws IOException {
        long remaining = count - offset;
        if (remaining <= 0) {
            return 0;
        }
        long written = file.transferTo(position + offset, remaining, target);
        if (written > 0) {
            transferred += written;
        }
        return written;
    }

    @Override
    protected void deallocate() {
        // nothing to free: the channel belongs to the log segment
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }
}
