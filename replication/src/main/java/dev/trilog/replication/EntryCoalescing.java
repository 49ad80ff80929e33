package dev.trilog.replication;

import dev.trilog.log.AppendResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Group commit for the batches a group's leader hands its own Raft server: while one entry of
 * this group is being committed, the batches that come meanwhile wait, and go together as the
 * next entry ({@link LogCommand.Appends}), in the order they came.
 *
 * <p>Why: every Raft entry costs each replica a log write and sync, an appendEntries round, an
 * apply and a reply, whatever its size. With one Raft group for everything, entries of every
 * partition queued behind each other and Ratis wrote, synced and sent them together; with a group
 * per partition each group's log sees only its partition's batches — one producer batch per entry,
 * synced and sent on its own (bench/replication/RESULTS.md, 2026-12-07). A producer pipelines
 * several requests per connection, so the batches that wait for one commit are the next entry.
 *
 * <p>One entry in flight at a time per group: that is what makes the others wait and coalesce.
 * The entry's batches are each applied as if alone, with their own reply: one refused (a
 * duplicate, a sequence gap) does not refuse the others. When the server refuses the entry (it
 * no longer leads), every batch in it fails alike — as each would have alone.
 */
final class EntryCoalescing {

    /** An entry is cut at this many bytes of appends (at least one), well within Ratis' appendEntries buffer (4 MiB). */
    static final int MAX_ENTRY_BYTES = 1 << 20;

    private final Function<Message, CompletableFuture<RaftClientReply>> submit;
    private final LongFunction<CompletableFuture<Void>> appliedThrough;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** An entry handed to the server and not answered yet. */
    private boolean inFlight;

    /**
     * {@code submit} hands an entry to the group's server; {@code appliedThrough} completes once
     * this node applied the group's entry at an index.
     */
    EntryCoalescing(Function<Message, CompletableFuture<RaftClientReply>> submit,
            LongFunction<CompletableFuture<Void>> appliedThrough) {
        this.submit = submit;
        this.appliedThrough = appliedThrough;
    }

    /** An append encoded when handed over ({@link LogCommand#encode}), and who waits for its result. */
    private record Waiting(ByteString append, CompletableFuture<AppendResult> result) {
    }

    /**
     * Appends {@code append} ({@link LogCommand#encode}d: the batch it was made of may be reused
     * once handed over) in the next entry; completes with its own result once committed and
     * applied here.
     */
    CompletableFuture<AppendResult> send(ByteString append) {
        CompletableFuture<AppendResult> result = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.add(new Waiting(append, result));
        }
        sendNext();
        return result;
    }

    /**
     * Hands what waits to the server as one entry unless one is in flight. Entries are handed
     * over in order and outside the lock (Ratis completes replies holding its own locks, and a
     * completion comes back here), so the lock is only held to take the batches.
     */
    private void sendNext() {
        List<Waiting> entry;
        synchronized (waiting) {
            if (inFlight || waiting.isEmpty()) {
                return;
            }
            inFlight = true;
            entry = new ArrayList<>();
            long bytes = 0;
            while (!waiting.isEmpty()
                    && (entry.isEmpty() || bytes + waiting.peek().append().size() <= MAX_ENTRY_BYTES)) {
                Waiting next = waiting.poll();
                bytes += next.append().size();
                entry.add(next);
            }
        }
        ByteString command = entry.size() == 1 ? entry.get(0).append()
                : LogCommand.encodeAppends(entry.stream().map(Waiting::append).toList());
        CompletableFuture<RaftClientReply> sent;
        try {
            sent = submit.apply(Message.valueOf(command));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((reply, failure) -> {
            synchronized (waiting) {
                inFlight = false;
            }
            sendNext(); // committed (or refused): what waited meanwhile goes as the next entry
            if (failure != null) {
                entry.forEach(w -> w.result().completeExceptionally(failure));
            } else {
                answer(entry, reply);
            }
        });
    }

    /** Each batch its own reply, once this node applied the entry. */
    private void answer(List<Waiting> entry, RaftClientReply reply) {
        appliedThrough.apply(reply.getLogIndex()).whenComplete((applied, failure) -> {
            if (failure != null) {
                entry.forEach(w -> w.result().completeExceptionally(failure));
                return;
            }
            byte[] content = reply.getMessage().getContent().toByteArray();
            List<byte[]> replies = entry.size() == 1 ? List.of(content) : LogCommand.decodeReplies(content);
            for (int i = 0; i < entry.size(); i++) {
                try {
                    entry.get(i).result().complete(LogCommand.decodeReply(replies.get(i)));
                } catch (RuntimeException e) { // the batch's refusal, wrapped as GroupWriter's replies always were
                    entry.get(i).result().completeExceptionally(e);
                }
            }
        });
    }
}
