package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.api.tasks.TaskRun;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One host task bound to one OpenCode session while it runs: turns the session's OpenCode events
 * into the task's events (tool parts into tool started/finished with their output, finished assistant
 * text into output lines) and notes when the session is idle, failed, or lost with its OpenCode.
 * Events arrive on the event pump's thread; the task's thread waits on this object.
 */
final class SessionTask {

    static final int MAX_LINES_PER_PART = 5_000;

    final TaskRun run;
    final String sessionId;
    final String directory;
    final String ownerId;
    final int generation;
    private final Map<String, Integer> steps = new ConcurrentHashMap<>();
    private final AtomicInteger nextStep;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final Set<String> assistantMessages = ConcurrentHashMap.newKeySet();
    private final Map<String, JsonNode> openText = new LinkedHashMap<>();
    private final Set<String> emittedText = ConcurrentHashMap.newKeySet();
    private final Map<String, int[]> liveLines = new ConcurrentHashMap<>();
    private volatile int lastStep;
    private volatile boolean busySeen;
    private volatile boolean idle;
    private volatile String error;
    private volatile String lostCause;

    SessionTask(TaskRun run, String sessionId, String directory, String ownerId, int generation, int firstStep) {
        this.run = run;
        this.sessionId = sessionId;
        this.directory = directory;
        this.ownerId = ownerId;
        this.generation = generation;
        this.nextStep = new AtomicInteger(firstStep);
        this.lastStep = firstStep;
    }

    /** The step index of an OpenCode tool call, given in the order calls appear. */
    int stepOf(String callId) {
        if (callId == null || callId.isEmpty()) {
            return lastStep;
        }
        return steps.computeIfAbsent(callId, id -> {
            int step = nextStep.getAndIncrement();
            lastStep = step;
            return step;
        });
    }

    /** The step index the next tool call will get. */
    int nextStep() {
        return nextStep.get();
    }

    void onEvent(OpenCodeEvent event) {
        JsonNode properties = event.properties();
        switch (event.type()) {
            case "message.updated" -> {
                JsonNode info = properties.path("info");
                if ("assistant".equals(info.path("role").asText())) {
                    assistantMessages.add(info.path("id").asText());
                    JsonNode failure = info.path("error");
                    if (failure.isObject()) {
                        error = describeError(failure);
                    }
                }
            }
            case "message.part.updated" -> {
                JsonNode part = properties.path("part");
                String type = part.path("type").asText();
                if ("tool".equals(type)) {
                    tool(part);
                } else if ("text".equals(type)) {
                    text(part);
                }
            }
            case "session.status" -> {
                String status = properties.path("status").path("type").asText();
                if ("busy".equals(status)) {
                    busySeen = true;
                    synchronized (this) {
                        idle = false;
                    }
                } else if ("idle".equals(status)) {
                    markIdle();
                }
            }
            case "session.idle" -> markIdle();
            case "session.error" -> {
                JsonNode failure = properties.path("error");
                error = failure.isObject() ? describeError(failure) : "the session failed";
                run.output(lastStep, "stderr", "OpenCode: " + error);
            }
            default -> {
                // other events do not change the task
            }
        }
    }

    private void tool(JsonNode part) {
        String callId = part.path("callID").asText(part.path("id").asText());
        String status = part.path("state").path("status").asText();
        if ("pending".equals(status)) {
            stepOf(callId);
            return;
        }
        int step = stepOf(callId);
        JsonNode state = part.path("state");
        if (started.add(callId)) {
            run.toolStarted(step, ToolCalls.ofToolPart(part.path("tool").asText(), state.path("input")));
        }
        if ("running".equals(status)) {
            liveOutput(step, callId, state.path("metadata").path("output").asText(""));
        }
        if ("completed".equals(status) && finished.add(callId)) {
            lines(step, "stdout", remainder(callId, state.path("output").asText("")));
            JsonNode exit = state.path("metadata").path("exit");
            int exitCode = exit.canConvertToInt() ? exit.asInt() : 0;
            String title = state.path("title").asText("");
            run.toolFinished(step, exitCode, title.isBlank() ? part.path("tool").asText() + " completed" : title);
        } else if ("error".equals(status) && finished.add(callId)) {
            String failure = state.path("error").asText("the tool failed");
            lines(step, "stderr", failure);
            run.toolFinished(step, 1, failure.lines().findFirst().orElse("the tool failed"));
        }
    }

    /** Complete lines of a running tool's output as OpenCode streams it, each emitted once. */
    private void liveOutput(int step, String callId, String output) {
        int end = output.lastIndexOf('\n');
        if (end < 0) {
            return;
        }
        int[] sent = liveLines.computeIfAbsent(callId, id -> new int[1]);
        java.util.List<String> complete = output.substring(0, end).lines().toList();
        synchronized (sent) {
            for (int i = sent[0]; i < complete.size() && i < MAX_LINES_PER_PART; i++) {
                run.output(step, "stdout", complete.get(i));
            }
            sent[0] = Math.max(sent[0], Math.min(complete.size(), MAX_LINES_PER_PART));
        }
    }

    /** The final output without the lines already sent live. */
    private String remainder(String callId, String output) {
        int[] sent = liveLines.remove(callId);
        if (sent == null || sent[0] == 0) {
            return output;
        }
        return output.lines().skip(sent[0]).collect(java.util.stream.Collectors.joining("\n"));
    }

    private void text(JsonNode part) {
        if (!assistantMessages.contains(part.path("messageID").asText()) || part.path("synthetic").asBoolean(false)) {
            return;
        }
        String id = part.path("id").asText();
        if (part.path("time").path("end").isNumber()) {
            synchronized (openText) {
                openText.remove(id);
            }
            emitText(id, part.path("text").asText(""));
        } else {
            synchronized (openText) {
                openText.put(id, part);
            }
        }
    }

    private void emitText(String id, String text) {
        if (emittedText.add(id)) {
            lines(lastStep, "stdout", text);
        }
    }

    /** Emits assistant text whose part never reported its end. */
    void flushText() {
        Map<String, JsonNode> pending;
        synchronized (openText) {
            pending = new LinkedHashMap<>(openText);
            openText.clear();
        }
        pending.forEach((id, part) -> emitText(id, part.path("text").asText("")));
    }

    private void lines(int step, String stream, String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        int[] count = {0};
        text.lines().limit(MAX_LINES_PER_PART).forEach(line -> {
            count[0]++;
            run.output(step, stream, line);
        });
        long total = text.lines().count();
        if (total > count[0]) {
            run.output(step, stream, "... " + (total - count[0]) + " more lines (see the session's messages)");
        }
    }

    private synchronized void markIdle() {
        idle = true;
        notifyAll();
    }

    /** OpenCode died under the task. */
    synchronized void lost(String cause) {
        lostCause = cause;
        notifyAll();
    }

    /** Waits until the session went idle (after having been busy, when {@code needBusy}), OpenCode was lost, or the time is up. */
    synchronized boolean awaitIdle(long millis, boolean needBusy) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!(idle && (busySeen || !needBusy)) && lostCause == null) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 200));
        }
        return idle;
    }

    String error() {
        return error;
    }

    String lostCause() {
        return lostCause;
    }

    int lastStep() {
        return lastStep;
    }

    static String describeError(JsonNode failure) {
        String message = failure.path("data").path("message").asText("");
        String name = failure.path("name").asText("error");
        return message.isBlank() ? name : name + ": " + message;
    }
}
