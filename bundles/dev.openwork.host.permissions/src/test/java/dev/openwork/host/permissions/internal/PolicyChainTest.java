package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;
import org.junit.Test;

public class PolicyChainTest {

    private final PolicyChain chain = new PolicyChain();
    private final ToolGate.ToolRequest request = Calls.request(Path.of("/tmp"), Calls.bash("make"));

    private void add(String name, int ranking, long id, PolicyAnswer answer) {
        chain.add(new PolicyChain.Ranked(r -> answer, name, ranking, id));
    }

    @Test
    public void withNoPolicyOrOnlyAbstentionsNobodyDecides() {
        assertNull(chain.evaluate(request));
        add("quiet", 10, 1, PolicyAnswer.abstain());
        assertNull(chain.evaluate(request));
    }

    @Test
    public void theHighestRankedPolicyWithAnOpinionDecides() {
        add("low", 100, 1, PolicyAnswer.allow("low allows"));
        add("high", 300, 2, PolicyAnswer.ask("high asks"));
        add("abstains", 400, 3, PolicyAnswer.abstain());
        PolicyChain.Verdict verdict = chain.evaluate(request);
        assertEquals(PolicyAnswer.Kind.ASK, verdict.kind());
        assertEquals("high", verdict.policy());
        assertEquals("high asks", verdict.reason());
        chain.remove(2);
        assertEquals("low", chain.evaluate(request).policy());
    }

    @Test
    public void aDenyFromAnyPolicyWinsWhateverItsRanking() {
        add("overrider", 1000, 1, PolicyAnswer.allow("integrator allows everything"));
        add("deny", -50, 2, PolicyAnswer.deny("no .env writes"));
        PolicyChain.Verdict verdict = chain.evaluate(request);
        assertEquals(PolicyAnswer.Kind.DENY, verdict.kind());
        assertEquals("deny", verdict.policy());
    }

    @Test
    public void equalRankingsGoByServiceIdOldestFirst() {
        add("newer", 100, 9, PolicyAnswer.ask("newer asks"));
        add("older", 100, 4, PolicyAnswer.allow("older allows"));
        assertEquals("older", chain.evaluate(request).policy());
        assertEquals("older", chain.policies().get(0).name());
    }

    @Test
    public void aPolicyThatThrowsOrAnswersNothingDenies() {
        add("fine", 500, 1, PolicyAnswer.allow("fine"));
        chain.add(new PolicyChain.Ranked(r -> {
            throw new IllegalStateException("bug");
        }, "broken", 1, 2));
        PolicyChain.Verdict verdict = chain.evaluate(request);
        assertEquals(PolicyAnswer.Kind.DENY, verdict.kind());
        assertTrue(verdict.reason(), verdict.reason().contains("broken failed"));
        chain.remove(2);
        chain.add(new PolicyChain.Ranked((ToolPolicy) r -> null, "silent", 1, 3));
        assertEquals(PolicyAnswer.Kind.DENY, chain.evaluate(request).kind());
    }

    @Test
    public void reRegisteringAPolicyReplacesIt() {
        add("p", 100, 1, PolicyAnswer.allow("v1"));
        add("p", 100, 1, PolicyAnswer.ask("v2"));
        assertEquals(1, chain.policies().size());
        assertEquals("v2", chain.evaluate(request).reason());
    }
}
