package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.PolicyAnswer.Kind;
import dev.openwork.host.api.tasks.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class WorkspaceJailPolicyTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private Path workspace;
    private Path outside;

    @Before
    public void create() throws Exception {
        workspace = folder.newFolder("ws").toPath().toRealPath();
        outside = folder.newFolder("elsewhere").toPath().toRealPath();
        Files.writeString(outside.resolve("secret.txt"), "s");
        Files.createDirectories(workspace.resolve("src"));
    }

    private PolicyAnswer decide(boolean deny, ToolCall call) {
        return new WorkspaceJailPolicy(new WorkspaceJailPolicy.Settings(deny, List.of(Path.of("/usr"), Path.of("/dev/null")),
                true)).evaluate(Calls.request(workspace, call));
    }

    @Test
    public void insideTheWorkspaceTheJailHasNoOpinion() {
        assertEquals(Kind.ABSTAIN, decide(false, Calls.read("src/a.js")).kind());
        assertEquals(Kind.ABSTAIN, decide(false, Calls.write(workspace.resolve("new/dir/f.txt").toString(), "x")).kind());
        assertEquals(Kind.ABSTAIN, decide(false, Calls.bash("make test > build.log && cat ./src/a.js")).kind());
    }

    @Test
    public void filesOutsideAreAskedAboutOrDeniedAsConfigured() throws Exception {
        PolicyAnswer read = decide(false, Calls.read(outside.resolve("secret.txt").toString()));
        assertEquals(Kind.ASK, read.kind());
        assertTrue(read.reason(), read.reason().contains("outside the workspace"));
        assertEquals(Kind.ASK, decide(false, Calls.write("../elsewhere/x", "x")).kind());
        assertEquals(Kind.DENY, decide(true, Calls.edit("../elsewhere/secret.txt", "s", "t")).kind());
        Files.createSymbolicLink(workspace.resolve("link"), outside);
        assertEquals("a link that leads out is outside", Kind.ASK, decide(false, Calls.read("link/secret.txt")).kind());
    }

    @Test
    public void commandsThatNameExistingPathsOutsideAreAskedAbout() {
        assertEquals(Kind.ASK, decide(false, Calls.bash("cat " + outside.resolve("secret.txt"))).kind());
        assertEquals(Kind.ASK, decide(false, Calls.bash("cp x ../elsewhere/")).kind());
        assertEquals(Kind.ASK, decide(false, Calls.bash("echo x > " + outside.resolve("new.txt"))).kind());
        assertEquals(Kind.ASK, decide(false, Calls.bash("tar czf out.tgz --directory=" + outside)).kind());
        assertEquals(Kind.ASK, decide(false, Calls.bash("ls " + outside + "/*.txt")).kind());
        assertEquals("the home folder (outside a workspace in the temp folder)", Kind.DENY,
                decide(true, Calls.bash("true; ls ~")).kind());
    }

    @Test
    public void systemFoldersAndPatternsThatOnlyLookLikePathsAreFine() {
        assertEquals(Kind.ABSTAIN, decide(false, Calls.bash("/usr/bin/env python3 x.py 2>/dev/null")).kind());
        assertEquals(Kind.ABSTAIN, decide(false, Calls.bash("grep -r '/api/v1/' src")).kind());
        assertEquals(Kind.ABSTAIN, decide(false, Calls.bash("ls /usr/share")).kind());
    }
}
