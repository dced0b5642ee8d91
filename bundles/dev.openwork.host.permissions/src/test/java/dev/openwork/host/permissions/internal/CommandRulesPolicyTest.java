package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.PolicyAnswer.Kind;
import dev.openwork.host.api.tasks.ToolCall;
import java.nio.file.Path;
import org.junit.Test;

public class CommandRulesPolicyTest {

    private static final Path WS = Path.of("/tmp");

    private static PolicyAnswer decide(String rules, ToolCall call) {
        return new CommandRulesPolicy(CommandRulesPolicy.Rules.parse(rules)).evaluate(Calls.request(WS, call));
    }

    private static final String OPENCODE = "{\"bash\": {\"*\": \"ask\", \"git status*\": \"allow\", \"rm *\": \"deny\"}}";

    @Test
    public void theLastMatchingPatternWins() {
        assertEquals(Kind.ALLOW, decide(OPENCODE, Calls.bash("git status --short")).kind());
        assertEquals(Kind.ASK, decide(OPENCODE, Calls.bash("npm test")).kind());
        assertEquals(Kind.DENY, decide(OPENCODE, Calls.bash("rm -rf build")).kind());
        // the same patterns in the other order: "*" comes last and wins everything
        String reversed = "{\"bash\": {\"rm *\": \"deny\", \"git status*\": \"allow\", \"*\": \"ask\"}}";
        assertEquals(Kind.ASK, decide(reversed, Calls.bash("git status")).kind());
        assertEquals(Kind.ASK, decide(reversed, Calls.bash("rm -rf build")).kind());
    }

    @Test
    public void everyCommandOfALineCounts() {
        PolicyAnswer answer = decide(OPENCODE, Calls.bash("git status && rm -rf /"));
        assertEquals(Kind.DENY, answer.kind());
        assertTrue(answer.reason(), answer.reason().contains("'rm *'") && answer.reason().contains("rm -rf /"));
        assertEquals(Kind.ASK, decide(OPENCODE, Calls.bash("git status; make")).kind());
        assertEquals(Kind.DENY, decide(OPENCODE, Calls.bash("sudo rm -rf x")).kind());
        assertEquals(Kind.DENY, decide(OPENCODE, Calls.bash("bash -c 'rm -rf x'")).kind());
    }

    @Test
    public void anAllowCoversALineOnlyWhenEveryCommandIsAllowed() {
        String rules = "{\"bash\": {\"git *\": \"allow\"}}";
        assertEquals(Kind.ALLOW, decide(rules, Calls.bash("git add . && git commit -m x")).kind());
        assertEquals("a command without a rule leaves the decision to others", Kind.ABSTAIN,
                decide(rules, Calls.bash("git status; cat /etc/passwd")).kind());
    }

    @Test
    public void fileToolsMatchTheirPathAndASingleActionCoversATool() {
        String rules = "{\"edit\": \"ask\", \"write\": {\"*.lock\": \"deny\", \"docs/*\": \"allow\"}}";
        assertEquals(Kind.ASK, decide(rules, Calls.edit("src/a.js", "a", "b")).kind());
        assertEquals(Kind.DENY, decide(rules, Calls.write("package.lock", "{}")).kind());
        assertEquals(Kind.ALLOW, decide(rules, Calls.write("docs/x.md", "x")).kind());
        assertEquals(Kind.ABSTAIN, decide(rules, Calls.write("src/x.js", "x")).kind());
        assertEquals("tools without rules are left to others", Kind.ABSTAIN, decide(rules, Calls.bash("ls")).kind());
        assertEquals(Kind.ABSTAIN, decide("", Calls.bash("rm -rf /")).kind());
    }

    @Test
    public void rulesThatCannotBeReadDenyInsteadOfOpeningTheGate() {
        PolicyAnswer broken = decide("{\"bash\": {\"*\": \"allow\"", Calls.bash("ls"));
        assertEquals(Kind.DENY, broken.kind());
        assertTrue(broken.reason(), broken.reason().contains("not valid JSON"));
        assertEquals(Kind.DENY, decide("[\"bash\"]", Calls.read("x")).kind());
        PolicyAnswer typo = decide("{\"bash\": {\"*\": \"alow\"}, \"read\": \"allow\"}", Calls.bash("ls"));
        assertEquals(Kind.DENY, typo.kind());
        assertTrue(typo.reason(), typo.reason().contains("must be allow, ask or deny"));
        assertEquals("other tools keep their valid rules", Kind.ALLOW,
                decide("{\"bash\": {\"*\": \"alow\"}, \"read\": \"allow\"}", Calls.read("x")).kind());
    }
}
