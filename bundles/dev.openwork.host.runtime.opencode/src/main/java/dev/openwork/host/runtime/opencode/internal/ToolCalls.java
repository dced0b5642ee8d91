package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.api.tasks.ToolCall;
import java.util.ArrayList;
import java.util.List;

/** OpenCode's tool calls and permission requests as the host's {@link ToolCall}s, so gates and policies see one shape. */
final class ToolCalls {

    static final int MAX_TEXT = 64 * 1024;

    private ToolCalls() {
    }

    /** A tool part's call ({@code part.tool}, {@code part.state.input}). */
    static ToolCall ofToolPart(String tool, JsonNode input) {
        return switch (tool) {
            case "bash" -> ToolCall.bash(text(input, "command"));
            case "edit" -> new ToolCall(ToolCall.EDIT, null, text(input, "filePath"), null, cap(text(input, "oldString")),
                    cap(text(input, "newString")), null);
            case "write" -> new ToolCall(ToolCall.WRITE, null, text(input, "filePath"), cap(text(input, "content")), null, null, null);
            case "read" -> new ToolCall(ToolCall.READ, null, text(input, "filePath"), null, null, null, null);
            default -> new ToolCall(tool, null, summary(input), null, null, null, null);
        };
    }

    /**
     * A {@code permission.asked} request as a call: {@code bash} with its command, {@code edit} with the
     * file and the diff (in {@code content}), anything else with its patterns as the path.
     */
    static ToolCall ofPermission(JsonNode request) {
        String permission = request.path("permission").asText("unknown");
        JsonNode metadata = request.path("metadata");
        String patterns = patterns(request.path("patterns"));
        return switch (permission) {
            case "bash" -> ToolCall.bash(firstNonBlank(text(metadata, "command"), patterns));
            case "edit" -> new ToolCall(ToolCall.EDIT, null, firstNonBlank(text(metadata, "filepath"),
                    text(metadata, "filePath"), patterns), cap(text(metadata, "diff")), null, null, null);
            default -> new ToolCall(permission, null, patterns, null, null, null, null);
        };
    }

    /** One line for logs and task events. */
    static String describe(ToolCall call) {
        String what = ToolCall.BASH.equals(call.tool()) ? call.command() : call.path();
        return call.tool() + ": " + (what == null ? "" : what.length() > 200 ? what.substring(0, 200) + "..." : what);
    }

    private static String patterns(JsonNode patterns) {
        List<String> all = new ArrayList<>();
        patterns.forEach(p -> all.add(p.asText()));
        return String.join(", ", all);
    }

    private static String summary(JsonNode input) {
        for (String field : new String[] {"filePath", "path", "pattern", "url", "description", "query"}) {
            String value = text(input, field);
            if (value != null) {
                return value;
            }
        }
        return input.isMissingNode() || input.isNull() ? "" : cap(input.toString());
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return "";
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    static String cap(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }
}
