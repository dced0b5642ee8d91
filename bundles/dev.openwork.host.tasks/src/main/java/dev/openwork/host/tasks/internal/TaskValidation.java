package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.ToolCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Everything checked before a task is accepted, so that a bad request creates nothing. */
final class TaskValidation {

    static final int MAX_COMMAND = 64 * 1024;
    static final int MAX_CONTENT = 1024 * 1024;
    static final int MAX_PATH = 4096;
    static final int MAX_PROMPT = 256 * 1024;
    /** An agent runtime's session id: its own opaque token, never a path or a URL. */
    static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private TaskValidation() {
    }

    /** The workspace as a real, existing directory inside one of the roots. */
    static Path workspace(String workspace, List<Path> roots) {
        if (workspace == null || workspace.isBlank()) {
            throw invalid("The field 'workspace' is missing.", "Give the absolute path of the directory the task works in.");
        }
        Path path;
        try {
            path = Path.of(workspace);
        } catch (InvalidPathException e) {
            throw invalid("The workspace '" + workspace + "' is not a valid path.", "Give an absolute directory path.");
        }
        if (!path.isAbsolute()) {
            throw invalid("The workspace must be an absolute path, not '" + workspace + "'.", "Give an absolute directory path.");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw invalid("The workspace " + workspace + " does not exist on the host.", "Create it first, or pick an existing directory.");
        }
        if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw invalid("The workspace " + workspace + " is not a directory.", "Give a directory.");
        }
        for (Path root : roots) {
            if (real.startsWith(root)) {
                return real;
            }
        }
        throw new HostException(ErrorCode.FORBIDDEN, "The workspace " + real + " is outside the directories tasks may use.",
                "Use a directory under " + roots + ", or ask the admin to add a root (workspaceRoots in etc/dev.openwork.host.tasks.cfg).");
    }

    static void request(TaskRequest request, int maxSteps) {
        if (request == null) {
            throw invalid("The request body is missing.", "Send the task as JSON.");
        }
        if (request.runtime() == null || request.runtime().isBlank() || request.runtime().length() > 64) {
            throw invalid("The field 'runtime' is missing or too long.", "Name a runtime, e.g. \"shell\".");
        }
        List<ToolCall> steps = request.steps() == null ? List.of() : request.steps();
        if (steps.size() > maxSteps) {
            throw invalid("The task has " + steps.size() + " steps; the host accepts at most " + maxSteps + ".",
                    "Split it into several tasks, or put the steps in a script.");
        }
        if (steps.isEmpty() && (request.prompt() == null || request.prompt().isBlank())) {
            throw invalid("The task has neither steps nor a prompt.", "Give 'steps' (shell runtime) or a 'prompt'.");
        }
        if (request.prompt() != null && request.prompt().length() > MAX_PROMPT) {
            throw invalid("The prompt is longer than " + MAX_PROMPT + " characters.", "Shorten it.");
        }
        for (int i = 0; i < steps.size(); i++) {
            step(i, steps.get(i));
        }
        if (request.session() != null && !SESSION_ID.matcher(request.session()).matches()) {
            throw invalid("The field 'session' is not a session id.", "Give the id the runtime returned (letters, digits, _ and -), or leave it out.");
        }
    }

    private static void step(int index, ToolCall call) {
        String where = "Step " + (index + 1);
        if (call == null || call.tool() == null) {
            throw invalid(where + " has no 'tool'.", "Use one of bash, read, write, edit.");
        }
        switch (call.tool()) {
            case ToolCall.BASH -> {
                if (call.command() == null || call.command().isBlank()) {
                    throw invalid(where + " (bash) has no 'command'.", "Give the command to run.");
                }
                limit(where, "command", call.command(), MAX_COMMAND);
            }
            case ToolCall.READ, ToolCall.WRITE, ToolCall.EDIT -> {
                if (call.path() == null || call.path().isBlank()) {
                    throw invalid(where + " (" + call.tool() + ") has no 'path'.", "Give a path inside the workspace.");
                }
                limit(where, "path", call.path(), MAX_PATH);
                if (call.tool().equals(ToolCall.WRITE) && call.content() == null) {
                    throw invalid(where + " (write) has no 'content'.", "Give the file's new content.");
                }
                if (call.tool().equals(ToolCall.EDIT) && (call.oldText() == null || call.oldText().isEmpty() || call.newText() == null)) {
                    throw invalid(where + " (edit) needs 'oldText' and 'newText'.", "Give the text to replace and its replacement.");
                }
                limit(where, "content", call.content(), MAX_CONTENT);
                limit(where, "oldText", call.oldText(), MAX_CONTENT);
                limit(where, "newText", call.newText(), MAX_CONTENT);
            }
            default -> throw invalid(where + " uses the unknown tool '" + call.tool() + "'.", "Use one of bash, read, write, edit.");
        }
        if (call.timeoutSeconds() != null && (call.timeoutSeconds() < 1 || call.timeoutSeconds() > 86_400)) {
            throw invalid(where + " has a timeout outside 1 to 86400 seconds.", "Give a timeout in seconds.");
        }
    }

    /**
     * Every file a step names must stay inside the workspace: no {@code ..} escape, no absolute path
     * elsewhere, no symbolic link on the way that leads out. Checked again when the step runs.
     */
    static void pathsInside(TaskRequest request, Path workspace) {
        List<ToolCall> steps = request.steps() == null ? List.of() : request.steps();
        for (int i = 0; i < steps.size(); i++) {
            ToolCall call = steps.get(i);
            if (call.path() == null) {
                continue;
            }
            String where = "Step " + (i + 1) + " (" + call.tool() + ")";
            Path target;
            try {
                target = workspace.resolve(call.path()).normalize();
            } catch (InvalidPathException e) {
                throw invalid(where + ": '" + call.path() + "' is not a valid path.", "Give a path inside the workspace.");
            }
            if (!target.startsWith(workspace)) {
                throw outside(where, call.path());
            }
            Path existing = target;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            try {
                if (existing != null && !existing.toRealPath().startsWith(workspace)) {
                    throw outside(where, call.path());
                }
            } catch (IOException e) {
                throw invalid(where + ": '" + call.path() + "' cannot be checked.", "Give a path inside the workspace.");
            }
        }
    }

    private static HostException outside(String where, String path) {
        return new HostException(ErrorCode.INVALID_REQUEST, where + ": '" + path + "' is outside the workspace.",
                "Use a path inside the workspace; '..' and links that lead out are refused.");
    }

    static Duration timeout(Integer seconds, Duration byDefault, Duration max) {
        if (seconds == null) {
            return byDefault;
        }
        if (seconds < 1 || seconds > max.toSeconds()) {
            throw invalid("timeoutSeconds must be from 1 to " + max.toSeconds() + ".", "Give a timeout in seconds.");
        }
        return Duration.ofSeconds(seconds);
    }

    private static void limit(String where, String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw invalid(where + ": '" + field + "' is longer than " + max + " characters.", "Shorten it.");
        }
    }

    private static HostException invalid(String message, String action) {
        return new HostException(ErrorCode.INVALID_REQUEST, message, action);
    }
}
