package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.ToolGate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered {@link ToolPolicy} services in service-ranking order (highest first, then the
 * oldest service), and how their answers combine: a deny from any policy wins; otherwise the first
 * policy in that order that does not abstain decides. Thread-safe: policies come and go while
 * tasks run, and each evaluation works on the list as it was when it began.
 */
final class PolicyChain {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyChain.class);

    /** A registered policy with what orders it. */
    record Ranked(ToolPolicy policy, String name, int ranking, long serviceId) {
    }

    /** What the policies decided: {@code kind} is never ABSTAIN. */
    record Verdict(PolicyAnswer.Kind kind, String policy, String reason) {
    }

    private static final Comparator<Ranked> ORDER = Comparator.comparingInt(Ranked::ranking).reversed()
            .thenComparingLong(Ranked::serviceId);

    private volatile List<Ranked> policies = List.of();

    synchronized void add(Ranked ranked) {
        List<Ranked> next = new ArrayList<>(policies);
        next.removeIf(r -> r.serviceId() == ranked.serviceId());
        next.add(ranked);
        next.sort(ORDER);
        policies = List.copyOf(next);
    }

    synchronized void remove(long serviceId) {
        List<Ranked> next = new ArrayList<>(policies);
        next.removeIf(r -> r.serviceId() == serviceId);
        policies = List.copyOf(next);
    }

    List<Ranked> policies() {
        return policies;
    }

    /** The verdict, or {@code null} when every policy abstained (or none is registered). */
    Verdict evaluate(ToolGate.ToolRequest request) {
        Verdict decisive = null;
        for (Ranked ranked : policies) {
            PolicyAnswer answer;
            try {
                answer = ranked.policy().evaluate(request);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("The tool policy {} failed on task {}; the call is denied", ranked.name(), request.taskId(), e);
                answer = PolicyAnswer.deny("the policy " + ranked.name() + " failed (" + e.getClass().getSimpleName() + ")");
            }
            if (answer == null) {
                answer = PolicyAnswer.deny("the policy " + ranked.name() + " gave no answer");
            }
            switch (answer.kind()) {
                case DENY:
                    return new Verdict(PolicyAnswer.Kind.DENY, ranked.name(), answer.reason());
                case ALLOW:
                case ASK:
                    if (decisive == null) {
                        decisive = new Verdict(answer.kind(), ranked.name(), answer.reason());
                    }
                    break;
                default:
                    break;
            }
        }
        return decisive;
    }
}
