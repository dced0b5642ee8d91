package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.tasks.ToolGate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The task's side of questions, as the tasks bundle would journal it: recorded, and stoppable. */
final class RecordingChannel implements ToolGate.PromptChannel {

    final List<String> asked = new CopyOnWriteArrayList<>();
    final List<String> replied = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<String> questions = new LinkedBlockingQueue<>();
    volatile boolean stop;

    @Override
    public void asked(String promptJson) {
        asked.add(promptJson);
        questions.add(promptJson);
    }

    @Override
    public void replied(String outcomeJson) {
        replied.add(outcomeJson);
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    /** The next question's JSON, waiting for it up to 10 s. */
    String nextQuestion() throws InterruptedException {
        String question = questions.poll(10, TimeUnit.SECONDS);
        if (question == null) {
            throw new AssertionError("no question was asked within 10 s");
        }
        return question;
    }
}
