package dev.openwork.host.runtime.opencode.internal;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.tasks.ToolCall;
import org.junit.Test;

public class ToolCallsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    public void permissionRequestsBecomeHostToolCalls() throws Exception {
        assertEquals(ToolCall.bash("rm -rf build"), ToolCalls.ofPermission(JSON.readTree(
                "{\"permission\":\"bash\",\"patterns\":[\"rm -rf build\"],\"metadata\":{\"command\":\"rm -rf build\"}}")));
        assertEquals(ToolCall.bash("ls"), ToolCalls.ofPermission(JSON.readTree("{\"permission\":\"bash\",\"patterns\":[\"ls\"]}")));
        ToolCall edit = ToolCalls.ofPermission(JSON.readTree(
                "{\"permission\":\"edit\",\"patterns\":[\"src/a.txt\"],\"metadata\":{\"filepath\":\"/ws/src/a.txt\",\"diff\":\"-a\\n+b\"}}"));
        assertEquals(new ToolCall(ToolCall.EDIT, null, "/ws/src/a.txt", "-a\n+b", null, null, null), edit);
        assertEquals(new ToolCall("webfetch", null, "https://example.org", null, null, null, null),
                ToolCalls.ofPermission(JSON.readTree("{\"permission\":\"webfetch\",\"patterns\":[\"https://example.org\"]}")));
    }

    @Test
    public void toolPartsBecomeHostToolCalls() throws Exception {
        assertEquals(ToolCall.bash("make"), ToolCalls.ofToolPart("bash", JSON.readTree("{\"command\":\"make\"}")));
        assertEquals(new ToolCall(ToolCall.WRITE, null, "/ws/x", "hi", null, null, null),
                ToolCalls.ofToolPart("write", JSON.readTree("{\"filePath\":\"/ws/x\",\"content\":\"hi\"}")));
        assertEquals("grep: TODO", ToolCalls.describe(ToolCalls.ofToolPart("grep", JSON.readTree("{\"pattern\":\"TODO\"}"))));
        assertEquals(ToolCalls.MAX_TEXT, ToolCalls.cap("x".repeat(ToolCalls.MAX_TEXT + 5)).length());
    }
}
