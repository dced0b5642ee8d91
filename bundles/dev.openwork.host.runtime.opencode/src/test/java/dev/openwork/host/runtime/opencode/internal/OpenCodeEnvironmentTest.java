package dev.openwork.host.runtime.opencode.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

public class OpenCodeEnvironmentTest {

    static OpenCodeSettings settings(String binary, List<String> pass) {
        return new OpenCodeSettings(true, binary, "", null, pass, Duration.ofSeconds(20), Duration.ofMillis(100),
                Duration.ofSeconds(2), true, null, Duration.ofMillis(500));
    }

    @Test
    public void theHostsSecretsStayOutAndOpenCodeGetsItsOwnStateAndSwitches() {
        Map<String, String> host = Map.of("PATH", "/usr/bin", "HOME", "/home/anna", "AWS_SECRET_ACCESS_KEY", "s3cr3t",
                "OPENWORK_HOST_DATA", "/data", "ANTHROPIC_API_KEY", "sk-ant", "OPENCODE_SERVER_PASSWORD", "leaked", "LANG", "C.UTF-8");
        OpenCodeEnvironment.Directories dirs = OpenCodeEnvironment.Directories.under(Path.of("/data/opencode"));
        Map<String, String> env = OpenCodeEnvironment.build(host, settings("opencode",
                List.of("ANTHROPIC_API_KEY", "OPENCODE_SERVER_PASSWORD", "OPENWORK_HOST_DATA")), dirs, "p4ss");
        assertEquals("/usr/bin", env.get("PATH"));
        assertEquals("C.UTF-8", env.get("LANG"));
        assertEquals("sk-ant", env.get("ANTHROPIC_API_KEY"));
        assertFalse(env.containsKey("AWS_SECRET_ACCESS_KEY"));
        assertFalse(env.containsKey("OPENWORK_HOST_DATA"));
        assertEquals("p4ss", env.get("OPENCODE_SERVER_PASSWORD"));
        assertEquals("/data/opencode/home", env.get("HOME"));
        assertEquals("/data/opencode/config", env.get("XDG_CONFIG_HOME"));
        assertEquals("/data/opencode/data", env.get("XDG_DATA_HOME"));
        assertEquals("/data/opencode/cache", env.get("XDG_CACHE_HOME"));
        assertEquals("/data/opencode/state", env.get("XDG_STATE_HOME"));
        for (String flag : List.of("OPENCODE_DISABLE_AUTOUPDATE", "OPENCODE_DISABLE_MODELS_FETCH", "OPENCODE_DISABLE_LSP_DOWNLOAD",
                "OPENCODE_DISABLE_SHARE", "OPENCODE_DISABLE_PROJECT_CONFIG")) {
            assertEquals(flag, "1", env.get(flag));
        }
        assertTrue(env.get("OPENCODE_PERMISSION").contains("\"bash\":\"ask\""));
        assertFalse(env.containsKey("OPENCODE_CONFIG"));
    }

    @Test
    public void theExecutableIsFoundByPathOrOnPath() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("oc-bin");
        Path exe = dir.resolve("opencode");
        java.nio.file.Files.writeString(exe, "#!/bin/sh\n");
        assertEquals(Optional.empty(), OpenCodeServer.resolveBinary("opencode", dir.toString()));
        exe.toFile().setExecutable(true);
        assertEquals(Optional.of(exe), OpenCodeServer.resolveBinary("opencode", "/nonexistent:" + dir));
        assertEquals(Optional.of(exe), OpenCodeServer.resolveBinary(exe.toString(), null));
        assertEquals(Optional.empty(), OpenCodeServer.resolveBinary(dir.resolve("missing").toString(), null));
    }
}
