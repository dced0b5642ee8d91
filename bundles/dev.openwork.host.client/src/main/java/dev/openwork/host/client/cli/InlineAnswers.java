package dev.openwork.host.client.cli;

import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.client.HostClientException;
import dev.openwork.host.client.PermissionClient;
import dev.openwork.host.client.internal.Text;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Lets the person following a task at a terminal answer its permission questions where they
 * appear: {@code o} (once), {@code a} (always), {@code r [message]} (reject), or Enter to leave the
 * question for later. Questions are asked one at a time on a thread of their own, so the task's
 * output keeps flowing; a question settled meanwhile (answered elsewhere, expired) is not answered
 * again.
 */
final class InlineAnswers implements AutoCloseable {

    static final String QUESTION = "Allow it? [o]nce, [a]lways, [r]eject [message], Enter to leave it open: ";

    private final PermissionClient permissions;
    private final Owctl.Prompt prompt;
    private final TaskPrinter printer;
    private final PrintStream err;
    private final Set<String> settled = ConcurrentHashMap.newKeySet();
    private volatile boolean sending;
    private final ExecutorService asker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "owctl-questions");
        thread.setDaemon(true);
        return thread;
    });

    InlineAnswers(PermissionClient permissions, Owctl.Prompt prompt, TaskPrinter printer, PrintStream err) {
        this.permissions = permissions;
        this.prompt = prompt;
        this.printer = printer;
        this.err = err;
    }

    /** Sees every event of the followed task (after the printer printed it). */
    void on(TaskEvent event) {
        try {
            if (TaskEvent.PERMISSION_ASKED.equals(event.type())) {
                PermissionPrompt question = PermissionClient.promptOf(event);
                asker.execute(() -> ask(question));
            } else if (TaskEvent.PERMISSION_REPLIED.equals(event.type())) {
                PermissionOutcome outcome = PermissionClient.outcomeOf(event);
                settled.add(outcome.promptId());
            }
        } catch (IOException | RuntimeException unreadable) {
            // the printer already said it cannot read this event
        }
    }

    private void ask(PermissionPrompt question) {
        for (int attempt = 0; attempt < 3 && !settled.contains(question.id()); attempt++) {
            String line;
            printer.pause(true);
            try {
                line = prompt.readLine(QUESTION);
            } finally {
                printer.pause(false);
            }
            if (line == null || line.isBlank()) {
                err.println("Left open: owctl approve " + Text.safe(question.id(), 64) + " or owctl reject "
                        + Text.safe(question.id(), 64) + " answers it later.");
                return;
            }
            String[] words = line.strip().split("\\s+", 2);
            String decision = decision(words[0]);
            if (decision == null) {
                err.println("'" + Text.safe(words[0], 20) + "' is not an answer: type o, a or r.");
                continue;
            }
            if (settled.contains(question.id())) {
                err.println("Question " + Text.safe(question.id(), 64) + " was settled meanwhile; the answer was not sent.");
                return;
            }
            String message = words.length > 1 && decision.equals(PermissionReply.REJECT) ? words[1] : null;
            sending = true;
            try {
                PermissionOutcome outcome = permissions.reply(question, decision, message);
                settled.add(question.id());
                err.println("Answered " + Text.safe(question.id(), 64) + ": " + Text.safe(outcome.message(), 500) + ".");
            } catch (HostClientException e) {
                err.println("owctl: " + Text.safe(e.getMessage(), 500));
            } finally {
                sending = false;
            }
            return;
        }
    }

    static String decision(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "o", "once", "y", "yes" -> PermissionReply.ONCE;
            case "a", "always" -> PermissionReply.ALWAYS;
            case "r", "reject", "n", "no" -> PermissionReply.REJECT;
            default -> null;
        };
    }

    /**
     * Stops asking. An answer on its way is let finish (the task may end the moment the host has
     * it), but a question still waiting for the user's input is dropped.
     */
    @Override
    public void close() {
        asker.shutdown();
        if (sending) {
            try {
                asker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        asker.shutdownNow();
    }
}
