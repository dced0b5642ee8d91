package dev.openwork.host.client.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.client.CredentialStore;
import dev.openwork.host.client.FakeTaskHost;
import dev.openwork.host.client.HostClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** owctl permissions, approve, reject, and questions shown (and answered) while following a task. */
public class OwctlPermissionTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private FakeTaskHost fake;
    private final Map<String, String> env = new HashMap<>();

    /** One owctl run's output. */
    private record Result(int exit, String out, String err) {
    }

    @Before
    public void setUp() throws Exception {
        fake = new FakeTaskHost();
        Path config = temp.getRoot().toPath().resolve("config");
        env.put("OWCTL_CONFIG_DIR", config.toString());
        new CredentialStore(config).save(fake.knownHost());
    }

    @After
    public void tearDown() {
        fake.close();
    }

    private Result owctl(Owctl.Prompt prompt, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Owctl(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), prompt, env, null, false).run(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result owctl(String... args) {
        return owctl(prompt(false, () -> null), args);
    }

    private static Owctl.Prompt prompt(boolean interactive, Supplier<String> answers) {
        return new Owctl.Prompt() {
            @Override
            public String readLine(String question) {
                return answers.get();
            }

            @Override
            public boolean interactive() {
                return interactive;
            }
        };
    }

    private PermissionPrompt openQuestion() throws InterruptedException {
        HostClient client = HostClient.of(fake.knownHost());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<PermissionPrompt> open = client.permissions().pending();
            if (!open.isEmpty()) {
                return open.get(0);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("no question was asked");
    }

    @Test
    public void logsFollowShowsTheQuestionAndApproveFromAnotherTerminalAnswersIt() throws Exception {
        Task task = fake.add("shell", "ask; echo fetched");
        CompletableFuture<Result> following = CompletableFuture.supplyAsync(() -> owctl("logs", "-f", task.id()));
        PermissionPrompt question = openQuestion();

        Result listed = owctl("permissions");
        assertEquals(0, listed.exit());
        assertTrue(listed.out(), listed.out().contains(question.id() + "  task " + task.id() + "  step 1  bash: ask"));
        assertTrue(listed.out(), listed.out().contains("sensitive-tools: it reaches the network"));
        assertTrue(listed.out(), listed.out().contains("--always would allow ask *"));

        Result approved = owctl("approve", question.id());
        assertEquals(approved.err(), 0, approved.exit());
        assertEquals("Answered " + question.id() + ": allowed once by dev_7.\n", approved.out());

        Result followed = following.get(20, TimeUnit.SECONDS);
        assertEquals(followed.err(), 0, followed.exit());
        assertEquals("fetched\n", followed.out());
        assertTrue(followed.err(), followed.err().contains("? Permission asked (" + question.id() + "), step 1, bash: ask"));
        assertTrue(followed.err(), followed.err().contains("  sensitive-tools: it reaches the network: ask"));
        assertTrue(followed.err(), followed.err().contains("Answer: owctl approve " + question.id() + " [--always]"));
        assertTrue(followed.err(), followed.err().contains("\u00bb allowed once by dev_7\n"));
        assertEquals(TaskState.SUCCEEDED, fake.task(task.id()).state());
    }

    @Test
    public void atATerminalTheQuestionIsAnsweredInline() throws Exception {
        Task task = fake.add("shell", "ask; echo fetched");
        Result followed = owctl(prompt(true, () -> "a"), "logs", "-f", task.id());
        assertEquals(followed.err(), 0, followed.exit());
        assertTrue(followed.err(), followed.err().contains("Answered perm_"));
        assertTrue(fake.replies.get(0), fake.replies.get(0).contains("\"reply\":\"always\""));
        assertTrue("no hint to answer elsewhere", !followed.err().contains("Answer: owctl approve"));
    }

    @Test
    public void rejectSendsItsMessageAndTheTaskFails() throws Exception {
        Task task = fake.add("shell", "ask; echo never");
        PermissionPrompt question = openQuestion();
        Result rejected = owctl("reject", question.id(), "--message", "not on a Friday");
        assertEquals(rejected.err(), 0, rejected.exit());
        assertTrue(rejected.out(), rejected.out().contains("rejected by dev_7: not on a Friday"));
        Result logs = owctl("logs", task.id());
        assertTrue(logs.err(), logs.err().contains("was refused: rejected by dev_7: not on a Friday"));
        assertEquals(TaskState.FAILED, fake.task(task.id()).state());
    }

    @Test
    public void answersToQuestionsThatAreNotOpenAndBadArgumentsAreRefused() {
        Result unknown = owctl("approve", "perm_nope");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err(), unknown.err().contains("No open question has the id perm_nope"));
        assertTrue(unknown.err(), unknown.err().contains("What to do: owctl permissions lists the open questions."));
        assertEquals(2, owctl("approve").exit());
        assertEquals(2, owctl("reject", "perm_x", "--message", "").exit());
        assertEquals(0, owctl("permissions").exit());
        assertTrue(owctl("permissions").out().startsWith("No question is waiting for an answer."));
        assertTrue(owctl("help").out().contains("  approve ID [--always] [--message TEXT]"));
    }
}
