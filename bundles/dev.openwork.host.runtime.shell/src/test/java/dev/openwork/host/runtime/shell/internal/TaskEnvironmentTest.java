package dev.openwork.host.runtime.shell.internal;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Test;

public class TaskEnvironmentTest {

    @Test
    public void onlyTheAllowlistAndTheTaskIdRemain() {
        Map<String, String> host = new LinkedHashMap<>();
        host.put("PATH", "/usr/bin:/bin");
        host.put("HOME", "/home/me");
        host.put("LANG", "C.UTF-8");
        host.put("LC_ALL", "C");
        host.put("TERM", "xterm");
        host.put("TZ", "UTC");
        host.put("USER", "me");
        host.put("LOGNAME", "me");
        host.put("SHELL", "/bin/zsh");
        host.put("TMPDIR", "/tmp");
        host.put("OPENWORK_ADMIN_TOKEN", "admin-secret");
        host.put("OPENWORK_TASK_ID", "spoofed");
        host.put("AWS_ACCESS_KEY_ID", "AKIA");
        host.put("AWS_SECRET_ACCESS_KEY", "aws-secret");
        host.put("GITHUB_TOKEN", "ghp_x");
        host.put("OPENAI_API_KEY", "sk-x");
        host.put("CLIENT_SECRET", "s");
        host.put("DB_PASSWORD", "p");
        host.put("PGPASSWORD", "p");
        host.put("LD_PRELOAD", "/tmp/evil.so");
        host.put("BASH_ENV", "/tmp/evil.sh");
        host.put("SSH_AUTH_SOCK", "/tmp/agent");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("PATH", "/usr/bin:/bin");
        expected.put("HOME", "/home/me");
        expected.put("LANG", "C.UTF-8");
        expected.put("LC_ALL", "C");
        expected.put("TERM", "xterm");
        expected.put("TZ", "UTC");
        expected.put("USER", "me");
        expected.put("LOGNAME", "me");
        expected.put("SHELL", "/bin/zsh");
        expected.put("TMPDIR", "/tmp");
        expected.put("OPENWORK_TASK_ID", "task-1");
        assertEquals(expected, TaskEnvironment.scrub(host, "task-1"));
    }

    @Test
    public void absentVariablesStayAbsentAndPathHasADefault() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("PATH", TaskEnvironment.DEFAULT_PATH);
        expected.put("OPENWORK_TASK_ID", "task-2");
        assertEquals(expected, TaskEnvironment.scrub(Map.of("SECRET_KEY", "k"), "task-2"));
    }
}
