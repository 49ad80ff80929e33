package dev.trilog.kafka.network;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A file region over a segment's shared {@link FileChannel}. It is a {@link DefaultFileRegion}
 * because that is the only region Netty's epoll transport writes with native {@code sendfile}
 * (any other goes through a copying channel wrapper); NIO writes it with
 * {@code FileChannel.transferTo} into the socket, also {@code sendfile} on Linux. Either way the
 * bytes never enter the heap.
 *
 * <p>Unlike its parent it never closes the channel when released: the channel belongs to the log
 * segment, and the response keeps the segment alive until the write completes.
 */
final class SharedFileRegion extends DefaultFileRegion {

    SharedFileRegion(FileChannel file, long position, long count) {
        super(file, position, count);
    }

    @Override
    protected void deallocate() {
        // nothing to free: the channel belongs to the log segment
    }
}
