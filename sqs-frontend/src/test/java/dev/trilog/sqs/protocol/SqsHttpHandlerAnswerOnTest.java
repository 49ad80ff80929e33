package dev.trilog.sqs.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/** Where a long poll's answer is put together: {@link SqsHttpHandler#answerOn}. */
class SqsHttpHandlerAnswerOnTest {

    private final XnioWorker worker = createWorker();
    private final XnioIoThread ioThread = worker.getIoThread();

    private static XnioWorker createWorker() {
        try {
            return Xnio.getInstance().createWorker(OptionMap.EMPTY);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    @Test
    void aPollCompletedOnItsOwnIoThreadIsAnsweredRightThereNotAfterTheRestOfTheWakingWork() throws Exception {
        Executor answerOn = SqsHttpHandler.answerOn(ioThread);
        CompletableFuture<List<String>> order = new CompletableFuture<>();
        ioThread.execute(() -> {
            List<String> seen = new CopyOnWriteArrayList<>();
            answerOn.execute(() -> seen.add("answer"));
            seen.add("rest of the send");
            order.complete(seen);
        });
        assertThat(order.get(10, TimeUnit.SECONDS)).containsExactly("answer", "rest of the send");
    }

    @Test
    void aPollCompletedOnAnotherThreadIsAnsweredOnItsIoThread() throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        SqsHttpHandler.answerOn(ioThread).execute(() -> ranOn.complete(Thread.currentThread()));
        assertThat(ranOn.get(10, TimeUnit.SECONDS)).isSameAs(ioThread);
    }
}
