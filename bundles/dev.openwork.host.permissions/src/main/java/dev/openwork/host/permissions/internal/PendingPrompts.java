package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open questions, and the recently settled ones (so a late or replayed answer is told apart from
 * one to a question that never existed). A question is settled exactly once: by an answer, its
 * expiry, or its task stopping, whichever comes first. Thread-safe.
 */
final class PendingPrompts {

    /** How many settled questions are remembered for telling replays apart. */
    static final int REMEMBERED = 10_000;

    /** One open question; {@link #settle} decides it once. */
    static final class Open {
        final PermissionPrompt prompt;
        final CompletableFuture<PermissionOutcome> outcome = new CompletableFuture<>();

        Open(PermissionPrompt prompt) {
            this.prompt = prompt;
        }

        /** Settles it with {@code result} unless it is settled already; returns the outcome that counts. */
        synchronized PermissionOutcome settle(PermissionOutcome result) {
            outcome.complete(result);
            return outcome.join();
        }

        synchronized boolean isSettled() {
            return outcome.isDone();
        }
    }

    /** A question that was settled, and how. */
    record Settled(PermissionPrompt prompt, PermissionOutcome outcome) {
    }

    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private final Map<String, Settled> settled = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Settled> eldest) {
            return size() > REMEMBERED;
        }
    };

    Open open(PermissionPrompt prompt) {
        Open entry = new Open(prompt);
        open.put(prompt.id(), entry);
        return entry;
    }

    Open find(String promptId) {
        return promptId == null ? null : open.get(promptId);
    }

    /** Forgets an open question once its outcome is known (keeping the outcome for replays). */
    void close(Open entry) {
        if (entry.isSettled()) {
            synchronized (settled) {
                settled.put(entry.prompt.id(), new Settled(entry.prompt, entry.outcome.join()));
            }
        }
        open.remove(entry.prompt.id(), entry);
    }

    Settled settled(String promptId) {
        synchronized (settled) {
            return promptId == null ? null : settled.get(promptId);
        }
    }

    /** Open questions, oldest first. */
    List<Open> all() {
        return open.values().stream().sorted(Comparator.comparing((Open o) -> o.prompt.askedAt())
                .thenComparing(o -> o.prompt.id())).toList();
    }
}
