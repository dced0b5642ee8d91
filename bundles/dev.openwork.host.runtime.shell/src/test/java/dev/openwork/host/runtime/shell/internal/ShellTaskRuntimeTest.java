package dev.openwork.host.runtime.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/** The step loop: the gate, validation, the outcome, configuration. */
public class ShellTaskRuntimeTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Rule
    public final Timeout timeout = Timeout.seconds(10);

    private Path workspace;
    private final ShellTaskRuntime runtime = new ShellTaskRuntime(new ShellTaskRuntime.Settings(600, 300, 65536));

    @Before
    public void setUp() throws Exception {
        workspace = temp.newFolder("workspace").toPath();
    }

    @Test
    public void aRefusedStepNeverRunsAndEndsTheTaskWithTheGatesReason() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, ToolCall.bash("touch first"), ToolCall.bash("touch second"),
                ToolCall.bash("touch third"))
                .gate((step, call) -> step == 1 ? ToolGate.Decision.deny("the device said no")
                        : ToolGate.Decision.allow("ok"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertFalse(outcome.succeeded());
        assertNull(outcome.exitCode());
        assertTrue(outcome.summary(), outcome.summary().contains("the device said no"));
        assertTrue(outcome.summary(), outcome.summary().startsWith("Step 2 of 3 (bash) was refused"));
        assertEquals(List.of("check 0 bash", "started 0 bash", "finished 0 0", "check 1 bash"), run.calls());
        assertTrue(Files.exists(workspace.resolve("first")));
        assertFalse(Files.exists(workspace.resolve("second")));
        assertFalse(Files.exists(workspace.resolve("third")));
    }

    @Test
    public void aRefusedFileStepWritesNothing() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, new ToolCall("write", null, "a.txt", "x", null, null, null))
                .gate((step, call) -> ToolGate.Decision.deny("policy: no writes"));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("policy: no writes"));
        assertEquals(List.of("check 0 write"), run.calls());
        assertFalse(Files.exists(workspace.resolve("a.txt")));
    }

    @Test
    public void theGateIsAskedWithEachStep() throws Exception {
        ToolCall first = ToolCall.bash("true");
        ToolCall second = new ToolCall("write", null, "b.txt", "b", null, null, null);
        List<ToolCall> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        FakeTaskRun run = new FakeTaskRun(workspace, first, second).gate((step, call) -> {
            seen.add(call);
            return ToolGate.Decision.allow("ok");
        });
        assertTrue(runtime.run(run).succeeded());
        assertEquals(List.of(first, second), seen);
    }

    @Test
    public void anUnknownToolFailsItsStep() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, new ToolCall("python", "print(1)", null, null, null, null, null));
        TaskRuntime.Outcome outcome = runtime.run(run);
        assertFalse(outcome.succeeded());
        assertEquals(Integer.valueOf(ToolException.USAGE), outcome.exitCode());
        assertTrue(outcome.summary(), outcome.summary().contains("Unknown tool 'python'"));
    }

    @Test
    public void aTaskWithoutStepsFailsClearly() throws Exception {
        TaskRuntime.Outcome outcome = runtime.run(new FakeTaskRun(workspace));
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("at least one step"));
    }

    @Test
    public void aMissingWorkspaceFailsClearly() throws Exception {
        TaskRuntime.Outcome outcome = runtime.run(new FakeTaskRun(workspace.resolve("gone"), ToolCall.bash("true")));
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("cannot be used"));
    }

    @Test
    public void aStoppedRuntimeRefusesNewTasks() throws Exception {
        runtime.deactivate();
        try {
            runtime.run(new FakeTaskRun(workspace, ToolCall.bash("true")));
            throw new AssertionError("expected a refusal");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("stopping"));
        }
    }

    @Test
    public void theComponentRegistersTheShellRuntime() throws Exception {
        // DS annotations are not kept at run time: check the descriptor bnd generated (process-classes).
        String descriptor;
        try (InputStream in = ShellTaskRuntime.class.getResourceAsStream(
                "/OSGI-INF/" + ShellTaskRuntime.class.getName() + ".xml")) {
            assertNotNull("bnd generates the component descriptor before the tests run", in);
            descriptor = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(descriptor, descriptor.contains(
                "<property name=\"" + TaskRuntime.NAME + "\" type=\"String\" value=\"shell\"/>"));
        assertTrue(descriptor, descriptor.contains("<provide interface=\"" + TaskRuntime.class.getName() + "\"/>"));
        assertTrue(descriptor, descriptor.contains("configuration-pid=\"dev.openwork.host.runtime.shell\""));
        assertTrue(descriptor, descriptor.contains("deactivate=\"deactivate\""));
    }

    @Test
    public void configurationIsReadAndChecked() {
        ShellTaskRuntime.Settings settings = ShellTaskRuntime.Settings.of(config(0, -5, 1));
        assertEquals(1, settings.defaultStepTimeoutSeconds());
        assertEquals(0, settings.killGraceMillis());
        assertEquals(ShellTaskRuntime.Settings.MIN_OUTPUT_LINE_BYTES, settings.maxOutputLineBytes());
        ShellTaskRuntime.Settings defaults = ShellTaskRuntime.Settings.of(config(600, 2000, 65536));
        assertEquals(new ShellTaskRuntime.Settings(600, 2000, 65536), defaults);
    }

    private static ShellTaskRuntime.Config config(long timeout, long grace, int lineBytes) {
        return new ShellTaskRuntime.Config() {
            @Override
            public long defaultStepTimeoutSeconds() {
                return timeout;
            }

            @Override
            public long killGraceMillis() {
                return grace;
            }

            @Override
            public int maxOutputLineBytes() {
                return lineBytes;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ShellTaskRuntime.Config.class;
            }
        };
    }
}
