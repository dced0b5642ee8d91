package dev.openwork.host.client.cli;

import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.client.TaskClient;
import dev.openwork.host.client.internal.Text;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints a task's events: output lines to stdout or stderr as the task wrote them, tool calls as
 * {@code » bash: ...} lines on stderr. When stderr is a terminal it also keeps a status line
 * ({@code [running 00:12]}) at the bottom of stderr, redrawn every 200 ms; otherwise reconnects
 * are plain {@code reconnecting...} lines. Thread-safe.
 */
final class TaskPrinter {

    private static final String CLEAR_LINE = "\r\u001b[K";

    private final PrintStream out;
    private final PrintStream err;
    private final boolean statusLine;
    private final Supplier<Instant> clock;
    private ScheduledExecutorService ticker;
    private TaskState state;
    private Instant createdAt;
    private Instant startedAt;
    private TaskEvent terminal;
    private boolean reconnecting;
    private String shown;
    private boolean stopped;

    TaskPrinter(PrintStream out, PrintStream err, boolean statusLine) {
        this(out, err, statusLine, Instant::now);
    }

    TaskPrinter(PrintStream out, PrintStream err, boolean statusLine, Supplier<Instant> clock) {
        this.out = out;
        this.err = err;
        this.statusLine = statusLine;
        this.clock = clock;
    }

    /** Starts redrawing the status line (when there is one). */
    synchronized TaskPrinter live() {
        if (statusLine && ticker == null && !stopped) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "owctl-status");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    synchronized void event(TaskEvent event) {
        if (stopped) {
            return;
        }
        String type = event.type() == null ? "" : event.type();
        switch (type) {
            case TaskEvent.CREATED:
                createdAt = createdAt == null ? event.at() : createdAt;
                state = state == null ? TaskState.QUEUED : state;
                draw();
                break;
            case TaskEvent.OUTPUT:
                line("stderr".equals(event.stream()) ? err : out, Text.line(event.text()));
                break;
            case TaskEvent.TOOL:
                line(err, "\u00bb " + Text.safe(event.text(), 2000)
                        + (event.exitCode() == null ? "" : " (exit " + event.exitCode() + ")"));
                break;
            case TaskEvent.STATE:
                state(event);
                break;
            default:
                // a kind of event this owctl does not know: nothing to print
        }
    }

    private void state(TaskEvent event) {
        TaskState previous = state;
        if (event.state() == null) {
            return;
        }
        state = event.state();
        if (state == TaskState.RUNNING && startedAt == null) {
            startedAt = event.at();
        }
        if (state == TaskState.WAITING_PERMISSION) {
            line(err, "\u00bb waiting for permission" + (event.text() == null ? "" : ": " + Text.safe(event.text(), 500)));
        } else if (state == TaskState.RUNNING && previous == TaskState.WAITING_PERMISSION) {
            line(err, "\u00bb running again" + (event.text() == null ? "" : ": " + Text.safe(event.text(), 500)));
        } else if (state.isTerminal()) {
            terminal = event;
        }
        draw();
    }

    /** The terminal state event seen, or {@code null}. */
    synchronized TaskEvent terminal() {
        return terminal;
    }

    synchronized void reconnecting(String cause) {
        if (stopped) {
            return;
        }
        if (statusLine) {
            reconnecting = true;
            draw();
        } else {
            line(err, "reconnecting... (" + Text.safe(cause, 200) + ")");
        }
    }

    synchronized void connected() {
        if (reconnecting) {
            reconnecting = false;
            draw();
        }
    }

    /** Removes the status line and stops redrawing it; the printer prints nothing more. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        clear();
    }

    /** The status text, e.g. {@code [running 00:12]}; {@code null} before the task's state is known. */
    synchronized String status() {
        if (state == null) {
            return null;
        }
        Instant since = state == TaskState.QUEUED || startedAt == null ? createdAt : startedAt;
        String elapsed = since == null ? "" : " " + clock(Duration.between(since, clock.get()));
        return "[" + TaskClient.wireName(state) + elapsed + (reconnecting ? ", reconnecting..." : "") + "]";
    }

    /** {@code mm:ss}, or {@code h:mm:ss} from an hour on; never negative (the clocks may differ). */
    static String clock(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s >= 3600) {
            return String.format("%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60);
        }
        return String.format("%02d:%02d", s / 60, s % 60);
    }

    private synchronized void tick() {
        if (!stopped) {
            draw();
        }
    }

    private void line(PrintStream stream, String text) {
        clear();
        stream.println(text);
        stream.flush();
    }

    private void draw() {
        if (!statusLine || stopped) {
            return;
        }
        String text = status();
        if (text == null || text.equals(shown)) {
            return;
        }
        out.flush();
        err.print(CLEAR_LINE + text);
        err.flush();
        shown = text;
    }

    private void clear() {
        if (shown != null) {
            err.print(CLEAR_LINE);
            err.flush();
            shown = null;
        }
    }
}
