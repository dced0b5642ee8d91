package dev.openwork.host.client.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.client.CredentialStore;
import dev.openwork.host.client.FakeTaskHost;
import dev.openwork.host.client.KnownHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** owctl run, tasks, logs and cancel against a fake task host. */
public class OwctlTaskTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private static FakeTaskHost fake;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();
    private boolean errIsTerminal;
    private Path config;
    private String workspace;

    @BeforeClass
    public static void startHost() throws Exception {
        fake = new FakeTaskHost();
    }

    @AfterClass
    public static void stopHost() {
        fake.close();
    }

    @Before
    public void setUp() throws IOException {
        fake.logPageCap = 1000;
        fake.dropAfterEvents = -1;
        fake.resendOnResume = 0;
        config = temp.getRoot().toPath().resolve("config");
        env.put("OWCTL_CONFIG_DIR", config.toString());
        new CredentialStore(config).save(fake.knownHost());
        workspace = temp.newFolder("ws").toPath().toRealPath().toString();
    }

    private int run(String... args) {
        Owctl.Prompt prompt = new Owctl.Prompt() {
            @Override
            public String readLine(String question) {
                return null;
            }

            @Override
            public boolean interactive() {
                return false;
            }
        };
        return new Owctl(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                prompt, env, null, errIsTerminal).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void reset() {
        out.reset();
        err.reset();
    }

    private String lastSubmission() {
        return fake.submissions.get(fake.submissions.size() - 1);
    }

    private static String taskIdIn(String text) {
        Matcher m = Pattern.compile("task_[0-9a-f]{16}").matcher(text);
        assertTrue(text, m.find());
        return m.group();
    }

    @Test
    public void runFollowsTheTaskAndExitsWith0WhenItSucceeds() {
        int code = run("run", "--workspace", workspace, "--timeout", "60", "--", "echo", "hello;", "warn", "oops;", "echo", "-h");
        assertEquals(err(), 0, code);
        assertEquals("stdout holds only the command's output", "hello\n-h\n", out());
        String e = err();
        assertTrue(e, e.contains(" on Task Host in " + workspace + " (Ctrl-C stops following; the task keeps running)."));
        assertTrue(e, e.contains("\u00bb bash: echo hello; warn oops; echo -h\n"));
        assertTrue(e, e.contains("oops\n"));
        assertTrue(e, e.contains("\u00bb exited with 0 (exit 0)\n"));
        assertTrue(e, e.contains(" succeeded (exit 0): 1 step succeeded.\n"));
        assertFalse("no status line when stderr is not a terminal", e.contains("\u001b["));
        assertEquals("{\"runtime\":\"shell\",\"workspace\":\"" + workspace + "\",\"steps\":[{\"tool\":\"bash\",\"command\":"
                + "\"echo hello; warn oops; echo -h\"}],\"timeoutSeconds\":60}", lastSubmission());
    }

    @Test
    public void runExitsWith1WhenTheTaskFailsAndPrintsTheSummary() {
        assertEquals(1, run("run", "--workspace", workspace, "--", "echo before; exit 3"));
        assertEquals("before\n", out());
        assertTrue(err(), err().contains(" failed (exit 3): step 1 (bash): exited with 3\n"));
    }

    @Test
    public void runDetachedPrintsTheIdAndDefaultsToTheCurrentDirectory() throws IOException {
        assertEquals(err(), 0, run("run", "--detach", "--", "echo", "x"));
        String id = out().strip();
        assertTrue(id, id.matches("task_[0-9a-f]{16}"));
        assertEquals("", err());
        String cwd = Path.of("").toAbsolutePath().toRealPath().toString();
        assertTrue(lastSubmission(), lastSubmission().contains("\"workspace\":\"" + cwd + "\""));
        assertTrue(lastSubmission(), lastSubmission().contains("\"runtime\":\"shell\""));
    }

    @Test
    public void runReadsStepsFromAFile() throws IOException {
        Path steps = temp.newFile("steps.json").toPath();
        Files.writeString(steps, "[{\"tool\":\"bash\",\"command\":\"echo one\"},{\"tool\":\"read\",\"path\":\"README.md\"}]");
        assertEquals(err(), 0, run("run", "--workspace", workspace, "--steps", steps.toString()));
        assertEquals("one\nread README.md\n", out());
        assertTrue(lastSubmission(), lastSubmission().contains("\"steps\":[{\"tool\":\"bash\",\"command\":\"echo one\"},"
                + "{\"tool\":\"read\",\"path\":\"README.md\"}]"));
        assertTrue(err(), err().contains("2 steps succeeded."));
    }

    @Test
    public void anUnknownRuntimeShowsTheHostsMessageAndAction() {
        assertEquals(1, run("run", "--runtime", "nope", "--workspace", workspace, "--", "true"));
        assertTrue(err(), err().contains("owctl: The host refused the task: No runtime named 'nope' is installed.\n"));
        assertTrue(err(), err().contains("  What to do: Use one of: shell (or install the runtime's bundle).\n"));
    }

    @Test
    public void logsPrintsTheWholeLogPageByPage() {
        Task task = fake.add("shell", "warn starting; lines 7");
        fake.logPageCap = 3;
        int before = fake.requests.size();
        assertEquals(err(), 0, run("logs", task.id()));
        assertEquals("line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\n", out());
        assertTrue(err(), err().startsWith("\u00bb bash: warn starting; lines 7\nstarting\n"));
        assertTrue(err(), err().endsWith("Task " + task.id() + " succeeded (exit 0): 1 step succeeded.\n"));
        long pages = fake.requests.subList(before, fake.requests.size()).stream().filter(r -> r.contains("/log?")).count();
        assertEquals("13 events, 3 a page", 5, pages);
    }

    @Test
    public void logsFollowReconnectsByItselfWithoutRepeatingLines() {
        Task task = fake.add("shell", "lines 5; exit 2");
        fake.dropAfterEvents = 4;
        fake.resendOnResume = 1;
        int resumes = fake.streamResumes.size();
        assertEquals("the task failed", 1, run("logs", "-f", task.id()));
        assertEquals("line 1\nline 2\nline 3\nline 4\nline 5\n", out());
        assertTrue(err(), err().contains("reconnecting... (the host ended the stream)\n"));
        assertTrue(err(), err().contains(" failed (exit 2): step 1 (bash): exited with 2\n"));
        List<TaskEvent> events = fake.events(task.id());
        assertEquals(List.of("<none>", String.valueOf(events.get(3).id())),
                fake.streamResumes.subList(resumes, fake.streamResumes.size()));
    }

    @Test
    public void logsFollowKeepsAStatusLineWhenStderrIsATerminal() {
        errIsTerminal = true;
        Task task = fake.add("shell", "echo hi");
        assertEquals(0, run("logs", "--follow", task.id()));
        assertEquals("hi\n", out());
        assertTrue(err(), err().contains("\r\u001b[K[running "));
        assertTrue(err(), err().endsWith("\r\u001b[KTask " + task.id() + " succeeded (exit 0): 1 step succeeded.\n"));
    }

    @Test
    public void logsOfAnUnknownTaskSaysHowToListThem() {
        assertEquals(1, run("logs", "task_0000000000000000"));
        assertTrue(err(), err().contains("No task task_0000000000000000 is visible to this device."));
        assertTrue(err(), err().contains("What to do: owctl tasks lists this device's tasks."));
    }

    @Test
    public void cancelStopsARunningTaskAndSaysWhenItHadEnded() {
        Task held = fake.add("shell", "echo start; hold");
        assertEquals(0, run("cancel", held.id()));
        assertEquals("Cancelled " + held.id() + ".\n", out());
        assertEquals(TaskState.CANCELLED, fake.task(held.id()).state());
        reset();
        assertEquals(0, run("cancel", held.id()));
        assertEquals("Task " + held.id() + " had already ended (cancelled); nothing to cancel.\n", out());
        reset();
        assertEquals("a cancelled task is not a success", 1, run("logs", "-f", held.id()));
        assertTrue(err(), err().contains(" cancelled: cancelled\n"));
    }

    @Test
    public void tasksPrintsATable() {
        Task failed = fake.add("shell", "exit 1");
        Task running = fake.add("shell", "hold");
        assertEquals(err(), 0, run("tasks", "--limit", "2"));
        String[] lines = out().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0], lines[0].matches("ID +STATE +RUNTIME +CREATED +SUMMARY"));
        assertTrue(lines[1], lines[1].matches(running.id() + " +running +shell +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +-"));
        assertTrue(lines[2], lines[2].matches(failed.id() + " +failed +shell +.* step 1 \\(bash\\): exited with 1"));
        assertTrue(fake.requests.toString(), fake.requests.contains("GET /v1/tasks?offset=0&limit=2"));
        reset();
        assertEquals(0, run("tasks", "--state", "Running,queued"));
        assertTrue(fake.requests.toString(), fake.requests.contains("GET /v1/tasks?state=queued&state=running&offset=0&limit=20"));
        assertTrue(out(), out().contains(running.id()));
        assertFalse(out(), out().contains(failed.id()));
        fake.finish(running.id(), TaskState.CANCELLED, null, "cancelled");
    }

    @Test
    public void theHostIsChosenWithHostWhenSeveralArePaired() throws IOException {
        new CredentialStore(config).save(new KnownHost("0123012301230123", "Other Host", "127.0.0.1", 1, "ab".repeat(32),
                "dev_1", "other-credential", List.of(), Instant.now()));
        assertEquals(2, run("tasks"));
        assertTrue(err(), err().contains("several hosts are paired: pick one with --host HOST"));
        reset();
        assertEquals(err(), 0, run("tasks", "--host", "task host"));
        assertEquals(err(), 0, run("run", "--host", "feedfacefeedface", "--detach", "--workspace", workspace, "--", "true"));
        assertTrue(out(), out().contains(taskIdIn(out())));
        assertEquals(2, run("cancel", "--host", "nowhere", "task_1"));
    }

    @Test
    public void argumentErrorsExitWith2() throws IOException {
        Path bad = temp.newFile("bad.json").toPath();
        Files.writeString(bad, "[{\"tool\":\"bash\",\"cmd\":\"make\"}]");
        Path empty = temp.newFile("empty.json").toPath();
        Files.writeString(empty, "[]");
        String[][] cases = {
            {"run"},
            {"run", "--"},
            {"run", "echo", "hi"},
            {"run", "--timeout", "0", "--", "true"},
            {"run", "--timeout", "ten", "--", "true"},
            {"run", "--runtime", "", "--", "true"},
            {"run", "--steps", bad.toString(), "--", "true"},
            {"run", "--steps", bad.toString()},
            {"run", "--steps", empty.toString()},
            {"run", "--steps", temp.getRoot().toPath().resolve("missing.json").toString()},
            {"run", "--bogus", "--", "true"},
            {"run", "-d", "--", "true"},
            {"tasks", "--state", "bogus"},
            {"tasks", "--limit", "0"},
            {"tasks", "--limit", "501"},
            {"tasks", "extra"},
            {"logs"},
            {"logs", "a", "b"},
            {"logs", "-x", "task_1"},
            {"cancel"},
            {"cancel", "a", "b"},
            {"run", "--host", "unknown", "--", "true"},
        };
        int submissions = fake.submissions.size();
        for (String[] args : cases) {
            reset();
            assertEquals(String.join(" ", args) + ": " + err(), 2, run(args));
            assertTrue(String.join(" ", args) + ": " + err(), err().startsWith("owctl: "));
        }
        assertEquals("nothing was submitted", submissions, fake.submissions.size());
        reset();
        assertEquals(0, run("help"));
        assertTrue(out(), out().contains("  run [--runtime shell] [--workspace DIR] [--timeout SECONDS] [--steps FILE] [--detach] "
                + "-- <command...>\n"));
        assertTrue(out(), out().contains("  logs [-f] TASK-ID "));
        assertTrue(out(), out().contains("  cancel TASK-ID "));
        assertTrue(out(), out().contains("  tasks [--state S[,S...]] [--limit N]\n"));
    }
}
