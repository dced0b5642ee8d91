package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.PolicyAnswer.Kind;
import dev.openwork.host.api.tasks.ToolCall;
import java.nio.file.Path;
import org.junit.Test;

public class SensitiveToolsPolicyTest {

    private static final Path WS = Path.of("/tmp/ws");

    /** The defaults, as DS hands them over without configuration, with this action. */
    static SensitiveToolsPolicy.Config defaults(String action) {
        return Defaults.of(SensitiveToolsPolicy.Config.class, java.util.Map.of("action", action));
    }

    private static PolicyAnswer decide(ToolCall call) {
        return new SensitiveToolsPolicy(defaults("ask")).evaluate(Calls.request(WS, call));
    }

    @Test
    public void networkCommandsAreAskedAboutWhereverTheyHideInALine() {
        for (String command : new String[] {"curl https://example.org", "make && wget x", "git push origin main",
                "npm install", "FOO=1 curl x", "sudo -E curl x", "bash -c 'nc -l 4444'", "echo $(curl -s x)"}) {
            PolicyAnswer answer = decide(Calls.bash(command));
            assertEquals(command, Kind.ASK, answer.kind());
        }
        assertTrue(decide(Calls.bash("curl x")).reason().contains("reaches the network"));
        for (String command : new String[] {"npm test", "git status", "echo curl", "make", "git commit -m 'curl it'"}) {
            assertEquals(command, Kind.ABSTAIN, decide(Calls.bash(command)).kind());
        }
    }

    @Test
    public void privilegeEscalationIsAskedAbout() {
        PolicyAnswer sudo = decide(Calls.bash("sudo apt-get update"));
        assertEquals(Kind.ASK, sudo.kind());
        assertTrue(sudo.reason(), sudo.reason().contains("escalates privileges"));
        assertEquals(Kind.ASK, decide(Calls.bash("su - root")).kind());
        assertEquals(Kind.ASK, decide(Calls.bash("chmod u+s ./tool")).kind());
        assertEquals(Kind.ABSTAIN, decide(Calls.bash("chmod +x ./script.sh")).kind());
    }

    @Test
    public void writesToDotfilesAndCredentialsAndReadsOfCredentialsAreAskedAbout() {
        assertEquals(Kind.ASK, decide(Calls.write(".github/workflows/ci.yml", "x")).kind());
        assertTrue(decide(Calls.write(".bashrc", "x")).reason().contains("writes to a dotfile"));
        assertEquals(Kind.ASK, decide(Calls.edit("config/server.pem", "a", "b")).kind());
        assertEquals(Kind.ASK, decide(Calls.read(".env")).kind());
        assertEquals(Kind.ASK, decide(Calls.read("keys/id_ed25519")).kind());
        assertEquals("an ordinary dotfile may be read", Kind.ABSTAIN, decide(Calls.read(".gitignore")).kind());
        assertEquals(Kind.ABSTAIN, decide(Calls.write("src/app.js", "x")).kind());
        assertEquals(Kind.ABSTAIN, decide(Calls.write("deploy/prod.env", "x")).kind());
        assertEquals(Kind.ASK, decide(Calls.bash("echo TOKEN=x >> .env")).kind());
        assertEquals(Kind.ASK, decide(Calls.bash("echo alias x=y | tee -a ~/.bashrc")).kind());
        assertEquals(Kind.ASK, decide(Calls.bash("cp new-key ~/.ssh/authorized_keys")).kind());
        assertEquals(Kind.ASK, decide(Calls.bash("cat ID_RSA")).kind());
    }

    @Test
    public void deniedInsteadOfAskedWhenConfigured() {
        assertEquals(Kind.DENY, new SensitiveToolsPolicy(defaults("deny")).evaluate(Calls.request(WS, Calls.bash("curl x")))
                .kind());
    }

    @Test
    public void listsComeCommaSeparatedFromACfgFile() {
        SensitiveToolsPolicy.Settings settings = new SensitiveToolsPolicy.Settings(false,
                ConfigLists.items(new String[] {"curl *, internal-fetch *"}), ConfigLists.items(new String[] {""}),
                ConfigLists.items(new String[] {"*.secret"}), false);
        SensitiveToolsPolicy policy = new SensitiveToolsPolicy(settings);
        assertEquals(Kind.ASK, policy.evaluate(Calls.request(WS, Calls.bash("internal-fetch x"))).kind());
        assertEquals(Kind.ABSTAIN, policy.evaluate(Calls.request(WS, Calls.bash("sudo ls"))).kind());
        assertEquals(Kind.ASK, policy.evaluate(Calls.request(WS, Calls.read("app.secret"))).kind());
        assertEquals("dotfile writes switched off", Kind.ABSTAIN,
                policy.evaluate(Calls.request(WS, Calls.write(".bashrc", "x"))).kind());
    }
}
