package dev.openwork.host.runtime.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskRuntime;
import dev.openwork.host.api.tasks.ToolCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/** read, write and edit, and their confinement to the workspace. */
public class FileStepsTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    @Rule
    public final Timeout timeout = Timeout.seconds(10);

    private Path workspace;
    private Path outside;
    private final ShellTaskRuntime runtime = new ShellTaskRuntime(new ShellTaskRuntime.Settings(600, 300, 65536));

    @Before
    public void setUp() throws Exception {
        workspace = temp.newFolder("workspace").toPath();
        outside = temp.newFolder("outside").toPath();
        Files.writeString(outside.resolve("secret.txt"), "secret\n");
    }

    private static ToolCall read(String path) {
        return new ToolCall(ToolCall.READ, null, path, null, null, null, null);
    }

    private static ToolCall write(String path, String content) {
        return new ToolCall(ToolCall.WRITE, null, path, content, null, null, null);
    }

    private static ToolCall edit(String path, String oldText, String newText) {
        return new ToolCall(ToolCall.EDIT, null, path, null, oldText, newText, null);
    }

    private TaskRuntime.Outcome run(FakeTaskRun run) throws Exception {
        return runtime.run(run);
    }

    private void assertRefused(ToolCall call, String expected) throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace, call);
        TaskRuntime.Outcome outcome = run(run);
        assertFalse(call + " must be refused", outcome.succeeded());
        assertEquals(Integer.valueOf(ToolException.FAILED), outcome.exitCode());
        assertTrue(outcome.summary(), outcome.summary().contains(expected));
        assertEquals("nothing may be read", List.of(), run.lines(0, "stdout"));
    }

    private void assertOutsideUntouched() throws Exception {
        assertEquals("secret\n", Files.readString(outside.resolve("secret.txt")));
        try (Stream<Path> files = Files.list(outside)) {
            assertEquals(List.of(outside.resolve("secret.txt")), files.toList());
        }
    }

    @Test
    public void writeThenReadThenEdit() throws Exception {
        FakeTaskRun run = new FakeTaskRun(workspace,
                write("src/deep/a.txt", "alpha\nbeta\ngamma\n"),
                read("src/deep/a.txt"),
                edit("src/deep/a.txt", "beta", "BETA"),
                read(workspace.resolve("src/deep/a.txt").toString()));
        TaskRuntime.Outcome outcome = run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        assertEquals(List.of("alpha", "beta", "gamma"), run.lines(1, "stdout"));
        assertEquals(List.of("alpha", "BETA", "gamma"), run.lines(3, "stdout"));
        assertEquals("alpha\nBETA\ngamma\n", Files.readString(workspace.resolve("src/deep/a.txt")));
        assertEquals("wrote 17 bytes to 'src/deep/a.txt'", run.finished().get(0).summary());
        assertEquals("read 3 lines (17 bytes) of 'src/deep/a.txt'", run.finished().get(1).summary());
        try (Stream<Path> files = Files.list(workspace.resolve("src/deep"))) {
            assertEquals("no temporary file is left", 1, files.count());
        }
    }

    @Test
    public void writeReplacesAFileAndKeepsItsPermissions() throws Exception {
        Path script = workspace.resolve("run.sh");
        Files.writeString(script, "old");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        TaskRuntime.Outcome outcome = run(new FakeTaskRun(workspace, write("run.sh", "#!/bin/sh\n")));
        assertTrue(outcome.summary(), outcome.succeeded());
        assertEquals("#!/bin/sh\n", Files.readString(script));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
    }

    @Test
    public void readTruncatesAtOneMebibyte() throws Exception {
        byte[] big = new byte[FileTools.MAX_READ_BYTES + 10];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i % 100 == 99 ? '\n' : 'x');
        }
        Files.write(workspace.resolve("big.txt"), big);
        FakeTaskRun run = new FakeTaskRun(workspace, read("big.txt"));
        TaskRuntime.Outcome outcome = run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        String summary = run.finished().get(0).summary();
        assertTrue(summary, summary.contains("truncated"));
        assertEquals(1, run.lines(0, "stderr").size());
        assertTrue(run.lines(0, "stderr").get(0).contains("truncated"));
        List<String> lines = run.lines(0, "stdout");
        // every line but the last (cut off) had a line break
        long shown = lines.stream().mapToLong(String::length).sum() + lines.size() - 1;
        assertEquals(FileTools.MAX_READ_BYTES, shown);
    }

    @Test
    public void editFailsWhenTheTextIsMissingOrAmbiguous() throws Exception {
        Files.writeString(workspace.resolve("a.txt"), "one two one");
        FakeTaskRun none = new FakeTaskRun(workspace, edit("a.txt", "three", "3"));
        TaskRuntime.Outcome outcome = run(none);
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("found 0 times"));

        FakeTaskRun twice = new FakeTaskRun(workspace, edit("a.txt", "one", "1"));
        outcome = run(twice);
        assertFalse(outcome.succeeded());
        assertTrue(outcome.summary(), outcome.summary().contains("found 2 times"));
        assertEquals("one two one", Files.readString(workspace.resolve("a.txt")));

        assertEquals(2, FileTools.occurrences("aaa", "aa"));
    }

    @Test
    public void missingFieldsFailWithAClearSummary() throws Exception {
        Files.writeString(workspace.resolve("a.txt"), "text");
        String[][] cases = {
            {"read", null, "needs a path"},
            {"write", "a.txt", "needs content"},
            {"edit", "a.txt", "needs oldText"},
        };
        for (String[] c : cases) {
            FakeTaskRun run = new FakeTaskRun(workspace, new ToolCall(c[0], null, c[1], null, null, null, null));
            TaskRuntime.Outcome outcome = run(run);
            assertFalse(outcome.succeeded());
            assertEquals(Integer.valueOf(ToolException.USAGE), outcome.exitCode());
            assertTrue(outcome.summary(), outcome.summary().contains(c[2]));
        }
        TaskRuntime.Outcome outcome = run(new FakeTaskRun(workspace, edit("a.txt", "text", null)));
        assertTrue(outcome.summary(), outcome.summary().contains("needs newText"));
        outcome = run(new FakeTaskRun(workspace, read("missing.txt")));
        assertTrue(outcome.summary(), outcome.summary().contains("does not exist"));
        outcome = run(new FakeTaskRun(workspace, read(".")));
        assertTrue(outcome.summary(), outcome.summary().contains("is a directory"));
    }

    @Test
    public void dotDotEscapesAreRefused() throws Exception {
        assertRefused(read("../outside/secret.txt"), "outside the workspace");
        assertRefused(read("src/../../outside/secret.txt"), "outside the workspace");
        assertRefused(write("../x", "x"), "outside the workspace");
        assertFalse(Files.exists(workspace.getParent().resolve("x")));
        assertOutsideUntouched();
    }

    @Test
    public void absolutePathsElsewhereAreRefused() throws Exception {
        assertRefused(read("/etc/passwd"), "outside the workspace");
        assertRefused(read(outside.resolve("secret.txt").toString()), "outside the workspace");
        assertRefused(write(outside.resolve("new.txt").toString(), "x"), "outside the workspace");
        assertRefused(edit("/etc/passwd", "root", "toor"), "outside the workspace");
        assertOutsideUntouched();
    }

    @Test
    public void aSymlinkToAFileOutsideCanBeNeitherReadNorWritten() throws Exception {
        Files.createSymbolicLink(workspace.resolve("link.txt"), outside.resolve("secret.txt"));
        assertRefused(read("link.txt"), "outside the workspace");
        assertRefused(write("link.txt", "pwned"), "outside the workspace");
        assertRefused(edit("link.txt", "secret", "pwned"), "outside the workspace");
        assertOutsideUntouched();
    }

    @Test
    public void aSymlinkedDirectoryLeadingOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(workspace.resolve("linked"), outside);
        assertRefused(read("linked/secret.txt"), "outside the workspace");
        assertRefused(write("linked/new.txt", "x"), "outside the workspace");
        assertRefused(write("linked/sub/dir/new.txt", "x"), "outside the workspace");
        assertOutsideUntouched();
    }

    @Test
    public void aDanglingSymlinkIsRefused() throws Exception {
        Files.createSymbolicLink(workspace.resolve("dangling"), outside.resolve("not-yet"));
        assertRefused(write("dangling", "x"), "symbolic link");
        assertRefused(write("dangling/new.txt", "x"), "symbolic link");
        assertFalse(Files.exists(outside.resolve("not-yet")));
        assertOutsideUntouched();
    }

    @Test
    public void symlinksInsideTheWorkspaceCanBeReadButNotWrittenThrough() throws Exception {
        Files.createDirectories(workspace.resolve("real"));
        Files.writeString(workspace.resolve("real/a.txt"), "inside\n");
        Files.createSymbolicLink(workspace.resolve("alias.txt"), workspace.resolve("real/a.txt"));
        Files.createSymbolicLink(workspace.resolve("dir"), workspace.resolve("real"));
        FakeTaskRun run = new FakeTaskRun(workspace, read("alias.txt"), write("dir/b.txt", "b"));
        TaskRuntime.Outcome outcome = run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        assertEquals(List.of("inside"), run.lines(0, "stdout"));
        assertEquals("b", Files.readString(workspace.resolve("real/b.txt")));
        assertRefused(write("alias.txt", "x"), "symbolic link");
        assertEquals("inside\n", Files.readString(workspace.resolve("real/a.txt")));
    }

    @Test
    public void aWorkspaceGivenThroughASymlinkWorks() throws Exception {
        Path alias = temp.getRoot().toPath().resolve("alias");
        Files.createSymbolicLink(alias, workspace);
        FakeTaskRun run = new FakeTaskRun(alias, write(alias.resolve("a.txt").toString(), "a"), read("a.txt"));
        TaskRuntime.Outcome outcome = run(run);
        assertTrue(outcome.summary(), outcome.succeeded());
        assertEquals(List.of("a"), run.lines(1, "stdout"));
        assertEquals("a", Files.readString(workspace.resolve("a.txt"), StandardCharsets.UTF_8));
    }
}
