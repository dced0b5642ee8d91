package dev.openwork.host.example.policy.internal;

import static org.junit.Assert.assertEquals;

import dev.openwork.host.api.permissions.PolicyAnswer.Kind;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.util.Set;
import org.junit.Test;

public class NoEnvWritesPolicyTest {

    private static Kind decide(ToolCall call) {
        return new NoEnvWritesPolicy().evaluate(new ToolGate.ToolRequest("task_1", "dev_1", Set.of(), "shell", "/ws", 0, call))
                .kind();
    }

    @Test
    public void writesAndEditsOfEnvFilesAreDeniedAndNothingElseIsJudged() {
        assertEquals(Kind.DENY, decide(new ToolCall("write", null, "deploy/prod.env", "X=1", null, null, null)));
        assertEquals(Kind.DENY, decide(new ToolCall("edit", null, ".ENV", null, "a", "b", null)));
        assertEquals(Kind.ABSTAIN, decide(new ToolCall("read", null, "prod.env", null, null, null, null)));
        assertEquals(Kind.ABSTAIN, decide(new ToolCall("write", null, "env.txt", "x", null, null, null)));
        assertEquals(Kind.ABSTAIN, decide(ToolCall.bash("cat prod.env")));
    }
}
