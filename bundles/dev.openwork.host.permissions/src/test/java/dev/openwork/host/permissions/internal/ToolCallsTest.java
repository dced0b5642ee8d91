package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;

import dev.openwork.host.api.tasks.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ToolCallsTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void summariesAndPreviewsSayWhatACallChanges() throws Exception {
        Path ws = folder.getRoot().toPath().toRealPath();
        Files.writeString(ws.resolve("app.js"), "old");
        assertEquals("write .env: 2 line(s), 9 bytes (new file)", ToolCalls.summary(Calls.write(".env", "A=1\nB=22\n"), ws));
        assertEquals("write app.js: 1 line(s), 3 bytes (replaces the existing file)",
                ToolCalls.summary(Calls.write(ws.resolve("app.js").toString(), "new"), ws));
        assertEquals("edit app.js: replace 2 line(s) with 1 line(s)", ToolCalls.summary(Calls.edit("app.js", "a\nb", "c"), ws));
        assertEquals("+ A=1\n+ B=22\n", ToolCalls.preview(Calls.write(".env", "A=1\nB=22\n")));
        assertEquals("- a\n- b\n+ c\n", ToolCalls.preview(Calls.edit("app.js", "a\nb", "c")));
        assertNull(ToolCalls.preview(Calls.bash("ls")));
        String many = "x\n".repeat(30);
        assertEquals(21, ToolCalls.preview(Calls.write("f", many)).lines().count());
    }

    @Test
    public void theArgumentsHashChangesWithEveryArgument() {
        String base = ToolCalls.argsHash(Calls.write("a", "b"));
        assertEquals(base, ToolCalls.argsHash(Calls.write("a", "b")));
        assertNotEquals(base, ToolCalls.argsHash(Calls.write("a", "bb")));
        assertNotEquals(base, ToolCalls.argsHash(Calls.write("ab", "")));
        assertNotEquals(ToolCalls.argsHash(Calls.bash("ls")),
                ToolCalls.argsHash(new ToolCall("bash", "ls", null, null, null, null, 5)));
    }

    @Test
    public void alwaysCoversTheCommandFamilyButSensitiveFormsOnlyExactly() {
        Path ws = Path.of("/ws");
        assertEquals(List.of("curl *", "jq *"), ToolCalls.alwaysPatterns(Calls.bash("curl -s x | jq .name"), ws));
        assertEquals(List.of("git push *"), ToolCalls.alwaysPatterns(Calls.bash("git push origin main"), ws));
        assertEquals(List.of("npm install *"), ToolCalls.alwaysPatterns(Calls.bash("FOO=1 npm install left-pad"), ws));
        assertEquals(List.of("sudo apt update"), ToolCalls.alwaysPatterns(Calls.bash("sudo apt update"), ws));
        assertEquals(List.of("echo x > .env"), ToolCalls.alwaysPatterns(Calls.bash("echo x > .env"), ws));
        assertEquals(List.of("config/.env"), ToolCalls.alwaysPatterns(Calls.write("config/.env", "x"), ws));
    }
}
