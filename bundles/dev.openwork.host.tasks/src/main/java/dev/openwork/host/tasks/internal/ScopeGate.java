package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;

/**
 * The gate used while no permissions bundle provides one: a tool call runs when the device's
 * scopes (as they were when the task was submitted) let it run tasks with this runtime in this
 * workspace, nothing finer. The permissions bundle replaces it with live scopes, policies and prompts.
 */
final class ScopeGate implements ToolGate {

    @Override
    public Decision check(ToolRequest request) {
        if (!Scopes.covers(request.deviceScopes(), Scopes.TASKS_RUN)) {
            return Decision.deny("the device may not run tasks");
        }
        if (!Scopes.coversRuntime(request.deviceScopes(), request.runtime())) {
            return Decision.deny("the device may not use the runtime " + request.runtime());
        }
        if (!Scopes.coversWorkspace(request.deviceScopes(), Path.of(request.workspace()))) {
            return Decision.deny("the device may not run tasks in " + request.workspace());
        }
        return Decision.allow("the device may run tasks here (no permission policies are installed)");
    }
}
