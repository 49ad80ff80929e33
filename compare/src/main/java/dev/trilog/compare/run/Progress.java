package dev.trilog.compare.run;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live line on the terminal: one line per phase, redrawn in place every half second on a
 * terminal, printed anew every second when the output is a file or a pipe, so compare is never
 * silent for more than a second.
 */
public final class Progress implements AutoCloseable {

    private final PrintStream out;
    private final boolean terminal;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "compare-progress");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> current;
    private Supplier<String> line;
    private int lastLength;

    public Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Starts a new phase line; the previous one is left as it last read. */
    public synchronized void phase(Supplier<String> line) {
        end();
        this.line = line;
        draw();
        long period = terminal ? 500 : 1000;
        current = ticker.scheduleAtFixedRate(this::draw, period, period, TimeUnit.MILLISECONDS);
    }

    /** Ends the current phase line. */
    public synchronized void end() {
        if (current != null) {
            current.cancel(false);
            current = null;
            draw();
            if (terminal) {
                out.println();
            }
            line = null;
            lastLength = 0;
        }
    }

    /** A line of its own, outside any phase. */
    public synchronized void say(String text) {
        end();
        out.println(text);
        out.flush();
    }

    private synchronized void draw() {
        if (line == null) {
            return;
        }
        String text;
        try {
            text = line.get();
        } catch (RuntimeException e) {
            text = "(progress unavailable: " + e + ")";
        }
        if (terminal) {
            StringBuilder padded = new StringBuilder("\r").append(text);
            for (int i = text.length(); i < lastLength; i++) {
                padded.append(' ');
            }
            lastLength = text.length();
            out.print(padded);
        } else {
            out.println(text);
        }
        out.flush();
    }

    @Override
    public synchronized void close() {
        end();
        ticker.shutdownNow();
    }
}
