package dev.openwork.host.example.policy.internal;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/**
 * An example tool policy: no task may write or edit a {@code *.env} file (deploy/prod.env,
 * .env, ...), whoever runs it and whatever else is allowed. Everything else it leaves to the other
 * policies.
 *
 * <p>This is the whole of a policy bundle: one DS component that registers a {@link ToolPolicy}
 * with a name. The host's gate picks it up the moment the bundle starts and drops it the moment it
 * stops. A deny from any policy wins, so the ranking does not matter here; a policy that wants to
 * allow what the built-in policies would ask about ranks above 300.
 */
@Component(property = {ToolPolicy.NAME + "=" + NoEnvWritesPolicy.NAME, "service.ranking:Integer=1000"})
public final class NoEnvWritesPolicy implements ToolPolicy {

    static final String NAME = "example-no-env-writes";

    @Override
    public PolicyAnswer evaluate(ToolGate.ToolRequest request) {
        ToolCall call = request.call();
        boolean changesAFile = ToolCall.WRITE.equals(call.tool()) || ToolCall.EDIT.equals(call.tool());
        if (changesAFile && call.path() != null && call.path().toLowerCase(Locale.ROOT).endsWith(".env")) {
            return PolicyAnswer.deny("this host does not let tasks change .env files (" + call.path() + ")");
        }
        return PolicyAnswer.abstain();
    }
}
