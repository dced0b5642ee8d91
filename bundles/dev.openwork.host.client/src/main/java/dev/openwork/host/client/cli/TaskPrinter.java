package dev.openwork.host.client.cli;

import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.client.PermissionClient;
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
 * {@code » bash: ...} lines on stderr, permission questions as {@code ? Permission asked ...} blocks
 * on stderr with what the call does, why it is asked and how long it waits. When stderr is a terminal it also keeps a status line
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
    private boolean paused;
    private boolean answersInline;
    private String openQuestion;

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
            case TaskEvent.PERMISSION_ASKED:
                asked(event);
                break;
            case TaskEvent.PERMISSION_REPLIED:
                replied(event);
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
            if (openQuestion == null) { // the question itself was printed already otherwise
                line(err, "\u00bb waiting for permission" + (event.text() == null ? "" : ": " + Text.safe(event.text(), 500)));
            }
        } else if (state == TaskState.RUNNING && previous == TaskState.WAITING_PERMISSION) {
            if (openQuestion == null && event.text() != null) {
                line(err, "\u00bb running again: " + Text.safe(event.text(), 500));
            }
        } else if (state.isTerminal()) {
            terminal = event;
        }
        draw();
    }

    /** A question to the device: what the call does, who asks and why, how long it waits, and how to answer. */
    private void asked(TaskEvent event) {
        PermissionPrompt prompt;
        try {
            prompt = PermissionClient.promptOf(event);
        } catch (java.io.IOException | RuntimeException e) {
            line(err, "? a permission question this owctl cannot read (" + Text.safe(e.getMessage(), 200) + ")");
            return;
        }
        openQuestion = prompt.id();
        StringBuilder text = new StringBuilder();
        text.append("? Permission asked (").append(Text.safe(prompt.id(), 64)).append("), step ").append(prompt.step() + 1)
                .append(", ").append(Text.safe(prompt.tool(), 32)).append(": ").append(Text.safe(prompt.summary(), 2000));
        if (prompt.preview() != null) {
            prompt.preview().lines().limit(12).forEach(l -> text.append("\n    ").append(Text.safe(l, 300)));
        }
        text.append("\n  ").append(Text.safe(prompt.policy(), 64)).append(": ").append(Text.safe(prompt.reason(), 500));
        long seconds = Math.max(0, Duration.between(clock.get(), prompt.expiresAt()).toSeconds());
        text.append("\n  Rejected in ").append(seconds).append(" s unless answered");
        if (!prompt.alwaysAllows().isEmpty()) {
            text.append("; 'always' would allow ").append(Text.safe(String.join(", ", prompt.alwaysAllows()), 300))
                    .append(" in this workspace");
        }
        text.append('.');
        if (!answersInline) {
            text.append("\n  Answer: owctl approve ").append(Text.safe(prompt.id(), 64)).append(" [--always]   or   owctl reject ")
                    .append(Text.safe(prompt.id(), 64)).append(" [--message TEXT]");
        }
        line(err, text.toString());
    }

    private void replied(TaskEvent event) {
        PermissionOutcome outcome;
        try {
            outcome = PermissionClient.outcomeOf(event);
        } catch (java.io.IOException | RuntimeException e) {
            line(err, "\u00bb the permission question was settled");
            openQuestion = null;
            return;
        }
        openQuestion = null;
        line(err, "\u00bb " + (outcome.allowed() ? "" : "refused: ") + Text.safe(outcome.message(), 500));
    }

    /** Whether someone at this terminal answers questions inline (then the printer does not print how to answer). */
    synchronized void answersInline(boolean inline) {
        this.answersInline = inline;
    }

    /** Stops redrawing the status line while the user types an answer, or starts again. */
    synchronized void pause(boolean pause) {
        this.paused = pause;
        if (pause) {
            clear();
        } else {
            draw();
        }
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
        if (!statusLine || stopped || paused) {
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
