package dev.openwork.host.tasks.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.tasks.ToolGate;

/**
 * The gate used while no permissions bundle provides one: a tool call runs when the device may run
 * tasks at all, nothing finer. The permissions bundle replaces it with policies and prompts.
 */
final class ScopeGate implements ToolGate {

    @Override
    public Decision check(ToolRequest request) {
        return Scopes.covers(request.deviceScopes(), Scopes.TASKS_RUN)
                ? Decision.allow("the device may run tasks (no permission policies are installed)")
                : Decision.deny("the device may not run tasks");
    }
}
