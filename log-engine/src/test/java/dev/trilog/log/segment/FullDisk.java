package dev.trilog.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A disk that fills up when a test says so, without root or a small file system: during each
 * test of a class that registers it ({@code @RegisterExtension final FullDisk disk = new
 * FullDisk();}), segments open their log files through it ({@link Segment#channels}). A write to
 * a full disk gets half its bytes onto the file and then fails with {@code No space left on
 * device}, as a real one does when the space runs out mid-write; truncation still works (it frees
 * space) unless the test makes it fail too. A test can also make fsyncs fail, as a disk's I/O
 * errors do.
 */
public final class FullDisk implements BeforeEachCallback, AfterEachCallback {

    private Segment.ChannelOpener previous;
    private volatile boolean full;
    private volatile boolean truncateFails;
    private volatile boolean fsyncFails;
    private final AtomicInteger failedWrites = new AtomicInteger();

    /** Log files opened from now on go through this disk, until the test ends. */
    @Override
    public void beforeEach(ExtensionContext context) {
        previous = Segment.channels;
        Segment.channels = (file, options) -> new Channel(FileChannel.open(file, options));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Segment.channels = previous;
    }

    /** From now on every write fails part-way. */
    public void fill() {
        full = true;
    }

    /** Space again: writes, truncations and fsyncs work. */
    public void free() {
        full = false;
        truncateFails = false;
        fsyncFails = false;
    }

    /** Truncation fails too (an I/O error rather than a full disk). */
    public void failTruncates() {
        truncateFails = true;
    }

    /** From now on every fsync of a log file fails. */
    public void failFsyncs() {
        fsyncFails = true;
    }

    public int failedWrites() {
        return failedWrites.get();
    }

    /** A log file on this disk: every call goes to the real file, but writes and truncations may fail. */
    private final class Channel extends FileChannel {

        private final FileChannel file;

        Channel(FileChannel file) {
            this.file = file;
        }

        private int write(ByteBuffer src, long position, boolean positional) throws IOException {
            if (!full) {
                return positional ? file.write(src, position) : file.write(src);
            }
            failedWrites.incrementAndGet();
            ByteBuffer half = src.duplicate();
            half.limit(half.position() + half.remaining() / 2);
            int written = positional ? file.write(half, position) : file.write(half);
            src.position(src.position() + written);
            throw new IOException("No space left on device");
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return write(src, position, true);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return write(src, -1, false);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (truncateFails) {
                throw new IOException("Input/output error");
            }
            file.truncate(size);
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (fsyncFails) {
                throw new IOException("Input/output error");
            }
            file.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return file.transferFrom(src, position, count);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
