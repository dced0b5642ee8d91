package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;

/** Tool calls and requests for tests. */
final class Calls {

    private Calls() {
    }

    static ToolCall bash(String command) {
        return ToolCall.bash(command);
    }

    static ToolCall read(String path) {
        return new ToolCall(ToolCall.READ, null, path, null, null, null, null);
    }

    static ToolCall write(String path, String content) {
        return new ToolCall(ToolCall.WRITE, null, path, content, null, null, null);
    }

    static ToolCall edit(String path, String oldText, String newText) {
        return new ToolCall(ToolCall.EDIT, null, path, null, oldText, newText, null);
    }

    static ToolGate.ToolRequest request(Path workspace, ToolCall call) {
        return new ToolGate.ToolRequest("task_1", "dev_1", Scopes.DEFAULT_DEVICE, "shell", workspace.toString(), 0, call);
    }
}
