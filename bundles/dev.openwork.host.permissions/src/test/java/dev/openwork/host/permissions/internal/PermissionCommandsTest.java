package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/** The console commands in a real Gogo session, over a real gate. */
public class PermissionCommandsTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(30);

    private final ExecutorService tasks = Executors.newCachedThreadPool();
    private PermissionGate gate;
    private AuditLog audit;
    private Path workspace;
    private ThreadIOImpl threadIo;
    private CommandSession gogo;

    @Before
    public void create() throws Exception {
        Path data = folder.newFolder("data").toPath();
        workspace = folder.newFolder("ws").toPath().toRealPath();
        FakeDevices devices = new FakeDevices();
        devices.put("dev_1", Scopes.DEFAULT_DEVICE);
        PolicyChain chain = new PolicyChain();
        chain.add(new PolicyChain.Ranked(new SensitiveToolsPolicy(SensitiveToolsPolicyTest.defaults("ask")),
                SensitiveToolsPolicy.NAME, 300, 1));
        audit = new AuditLog(data.resolve("audit"), new AuditLog.Limits(1 << 20, 2));
        gate = new PermissionGate(chain, () -> devices, new RuleStore(data), audit, () -> PermissionGate.Events.NONE,
                Clock.systemUTC(), new PermissionGate.Settings(Duration.ofSeconds(30), PolicyAnswer.Kind.ALLOW));
        threadIo = new ThreadIOImpl();
        threadIo.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIo);
        PermissionCommands permissions = new PermissionCommands(gate);
        for (String function : List.of("pending", "reply", "rules", "forget")) {
            processor.addCommand("permissions", permissions, function);
        }
        processor.addCommand("audit", new AuditCommands(gate), "tail");
        gogo = processor.createSession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new ByteArrayOutputStream());
    }

    @After
    public void shutdown() {
        gogo.close();
        threadIo.stop();
        gate.close();
        audit.close();
        tasks.shutdownNow();
    }

    private String shell(String line) throws Exception {
        return String.valueOf(gogo.execute(line));
    }

    private Future<ToolGate.Decision> ask(String command, RecordingChannel channel) {
        return tasks.submit(() -> gate.check(new ToolGate.ToolRequest("task_7", "dev_1", Scopes.DEFAULT_DEVICE, "shell",
                workspace.toString(), 2, ToolCall.bash(command)), channel));
    }

    @Test
    public void theAdminSeesOpenQuestionsAndAnswersThem() throws Exception {
        assertEquals("No question is waiting for an answer.\n", shell("permissions:pending"));
        RecordingChannel channel = new RecordingChannel();
        Future<ToolGate.Decision> decision = ask("curl https://example.org", channel);
        PermissionPrompt prompt = Json.MAPPER.readValue(channel.nextQuestion(), PermissionPrompt.class);
        String pending = shell("permissions:pending");
        assertTrue(pending, pending.startsWith(prompt.id() + "  task task_7  dev_1  step 3  bash\n"));
        assertTrue(pending, pending.contains("  curl https://example.org\n"));
        assertTrue(pending, pending.contains("asked by sensitive-tools: it reaches the network"));
        assertTrue(pending, pending.contains("'always' would allow curl *"));
        String answered = shell("permissions:reply " + prompt.id() + " always");
        assertTrue(answered, answered.startsWith("Answered " + prompt.id() + ": allowed always in this workspace by admin"));
        assertTrue(decision.get(10, TimeUnit.SECONDS).allowed());
        assertTrue(shell("permissions:reply " + prompt.id() + " once").contains("already settled"));
        assertTrue(shell("permissions:reply perm_unknown once").startsWith("No open question has the id perm_unknown"));

        String rules = shell("permissions:rules");
        assertTrue(rules, rules.startsWith("ID"));
        assertTrue(rules, rules.contains("dev_1") && rules.contains(workspace.toString()) && rules.contains("curl *"));
        assertTrue(shell("permissions:rules dev_2").startsWith("Device dev_2 has no 'always' rules."));
        String ruleId = gate.rules("dev_1").get(0).id();
        assertTrue(shell("permissions:forget " + ruleId).startsWith("Removed rule " + ruleId));
        assertTrue(shell("permissions:forget " + ruleId).startsWith("No rule has the id"));

        Future<ToolGate.Decision> rejected = ask("wget x", channel);
        PermissionPrompt second = Json.MAPPER.readValue(channel.nextQuestion(), PermissionPrompt.class);
        assertTrue(shell("permissions:reply " + second.id() + " reject not today").contains("rejected by admin: not today"));
        assertEquals("rejected by admin: not today", rejected.get(10, TimeUnit.SECONDS).reason());
    }

    @Test
    public void auditTailShowsTheNewestDecisions() throws Exception {
        assertEquals("The audit log is empty: no tool call was decided yet.\n", shell("audit:tail"));
        for (int i = 0; i < 3; i++) {
            gate.check(new ToolGate.ToolRequest("task_" + i, "dev_1", Scopes.DEFAULT_DEVICE, "shell", workspace.toString(), 0,
                    ToolCall.bash("make " + i)));
        }
        String tail = shell("audit:tail 2");
        assertTrue(tail, tail.startsWith("#2  "));
        assertTrue(tail, tail.contains("ALLOW  by default  task_1 step 1 (dev_1)  bash: make 1"));
        assertTrue(tail, tail.contains("#3  "));
        assertTrue(shell("audit:tail").contains("#1  "));
        assertTrue(shell("audit:tail 0").contains("Read 1 to 1000 audit entries"));
    }
}
