package dev.openwork.host.client.cli;

import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.client.CredentialStore;
import dev.openwork.host.client.HostClient;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.PermissionClient;
import dev.openwork.host.client.cli.Args.UsageException;
import dev.openwork.host.client.internal.Text;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code owctl permissions}, {@code approve} and {@code reject}: the open permission questions of this device's tasks. */
final class PermissionCommands {

    private final Owctl owctl;
    private final PrintStream out;

    PermissionCommands(Owctl owctl, PrintStream out) {
        this.owctl = owctl;
        this.out = out;
    }

    /** {@code owctl permissions}: every open question, oldest first. */
    int list(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of("--host"), Set.of("--help"), Map.of());
        args.expectPositionals(0, 0, "permissions takes only --host HOST");
        List<PermissionPrompt> open = client(args).pending();
        if (open.isEmpty()) {
            out.println("No question is waiting for an answer.");
            return Owctl.OK;
        }
        Instant now = Instant.now();
        for (PermissionPrompt p : open) {
            long left = Math.max(0, Duration.between(now, p.expiresAt()).toSeconds());
            out.println(Text.safe(p.id(), 64) + "  task " + Text.safe(p.taskId(), 64) + "  step " + (p.step() + 1) + "  "
                    + Text.safe(p.tool(), 32) + ": " + Text.safe(p.summary(), 500));
            out.println("  " + Text.safe(p.policy(), 64) + ": " + Text.safe(p.reason(), 500));
            out.println("  in " + Text.safe(p.workspace(), 300) + "; rejected in " + left + " s unless answered"
                    + (p.alwaysAllows().isEmpty() ? "" : "; --always would allow "
                            + Text.safe(String.join(", ", p.alwaysAllows()), 300)));
        }
        out.println("Answer with: owctl approve ID [--always]   or   owctl reject ID [--message TEXT]");
        return Owctl.OK;
    }

    /** {@code owctl approve ID [--always] [--message TEXT]}. */
    int approve(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of("--host", "--message"), Set.of("--always", "--help"), Map.of());
        args.expectPositionals(1, 1, "approve needs one question id (owctl permissions lists them)");
        return answer(args, args.flag("--always") ? PermissionReply.ALWAYS : PermissionReply.ONCE);
    }

    /** {@code owctl reject ID [--message TEXT]}. */
    int reject(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of("--host", "--message"), Set.of("--help"), Map.of());
        args.expectPositionals(1, 1, "reject needs one question id (owctl permissions lists them)");
        return answer(args, PermissionReply.REJECT);
    }

    private int answer(Args args, String decision) throws UsageException {
        String message = args.option("--message");
        if (message != null && (message.isBlank() || message.length() > 500)) {
            throw new UsageException("--message must be 1 to 500 characters");
        }
        PermissionOutcome outcome = client(args).answer(args.positionals.get(0), decision, message);
        out.println("Answered " + Text.safe(outcome.promptId(), 64) + ": " + Text.safe(outcome.message(), 500) + ".");
        if (outcome.ruleId() != null) {
            out.println("  Stored as rule " + Text.safe(outcome.ruleId(), 64) + "; the host admin lists rules with "
                    + "permissions:rules and removes them with permissions:forget.");
        }
        return Owctl.OK;
    }

    private PermissionClient client(Args args) throws UsageException {
        List<KnownHost> targets = owctl.targets(CredentialStore.locate(owctl.env()), args.option("--host"));
        if (targets.size() != 1) {
            throw new UsageException("several hosts are paired: pick one with --host HOST (owctl hosts lists them)");
        }
        return HostClient.of(targets.get(0)).permissions();
    }
}
