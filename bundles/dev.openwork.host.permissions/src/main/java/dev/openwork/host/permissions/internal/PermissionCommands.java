package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.permissions.PermissionRule;
import dev.openwork.host.api.permissions.PermissionService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code permissions:} console commands: open questions, answering them as the admin, and the
 * "always" rules. Each returns its text; a refusal comes back as a sentence.
 */
@Component(service = PermissionCommands.class, property = {
        "osgi.command.scope=permissions",
        "osgi.command.function=pending",
        "osgi.command.function=reply",
        "osgi.command.function=rules",
        "osgi.command.function=forget"})
public final class PermissionCommands {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final PermissionService permissions;
    private final Clock clock;

    @Activate
    public PermissionCommands(@Reference PermissionService permissions) {
        this(permissions, Clock.systemUTC());
    }

    PermissionCommands(PermissionService permissions, Clock clock) {
        this.permissions = permissions;
        this.clock = clock;
    }

    /** {@code permissions:pending}: every open question, oldest first. */
    public String pending() {
        List<PermissionPrompt> open = permissions.pending(PermissionService.Answerer.LOCAL_ADMIN);
        if (open.isEmpty()) {
            return "No question is waiting for an answer.\n";
        }
        StringBuilder out = new StringBuilder();
        Instant now = clock.instant();
        for (PermissionPrompt p : open) {
            long left = Math.max(0, Duration.between(now, p.expiresAt()).toSeconds());
            out.append(p.id()).append("  task ").append(p.taskId()).append("  ")
                    .append(p.deviceId() == null ? "admin" : p.deviceId()).append("  step ").append(p.step() + 1)
                    .append("  ").append(p.tool()).append('\n');
            out.append("  ").append(printable(p.summary())).append('\n');
            if (p.preview() != null) {
                p.preview().lines().limit(8).forEach(line -> out.append("    ").append(printable(line)).append('\n'));
            }
            out.append("  asked by ").append(p.policy()).append(": ").append(printable(p.reason())).append('\n');
            out.append("  in ").append(p.workspace()).append("; rejected in ").append(left).append(" s unless answered");
            if (!p.alwaysAllows().isEmpty()) {
                out.append("; 'always' would allow ").append(printable(String.join(", ", p.alwaysAllows())));
            }
            out.append('\n');
        }
        out.append(open.size()).append(" question(s). Answer with permissions:reply <id> once|always|reject [message]\n");
        return out.toString();
    }

    /** {@code permissions:reply <id> once|always|reject [message...]}: answers as the admin. */
    public String reply(String promptId, String decision, String... message) {
        PermissionPrompt prompt = permissions.pending(PermissionService.Answerer.LOCAL_ADMIN).stream()
                .filter(p -> p.id().equals(promptId)).findFirst().orElse(null);
        String text = message.length == 0 ? null : String.join(" ", message);
        try {
            if (prompt == null) {
                // settled or unknown: let the service say which
                permissions.reply(promptId, PermissionService.Answerer.LOCAL_ADMIN,
                        new PermissionReply("-", "-", "-", "-", decision, text));
                return "No open question has the id " + printable(promptId) + ". permissions:pending lists them.\n";
            }
            PermissionOutcome outcome = permissions.reply(promptId, PermissionService.Answerer.LOCAL_ADMIN,
                    PermissionReply.to(prompt, decision, text));
            return "Answered " + prompt.id() + ": " + printable(outcome.message()) + ".\n";
        } catch (HostException e) {
            return e.getMessage() + (e.action() == null ? "" : " " + e.action()) + "\n";
        }
    }

    /** {@code permissions:rules [device-id]}: the "always" rules, all or one device's. */
    public String rules(String... device) {
        List<PermissionRule> all = permissions.rules(device.length == 0 ? null : device[0]);
        if (all.isEmpty()) {
            return device.length == 0 ? "No 'always' rules are stored.\n" : "Device " + printable(device[0])
                    + " has no 'always' rules.\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "DEVICE", "WORKSPACE", "TOOL", "PATTERN", "CREATED", "BY"});
        for (PermissionRule r : all) {
            rows.add(new String[] {r.id(), r.deviceId(), r.workspace(), r.tool(), printable(r.pattern()),
                TIME.format(r.createdAt()), r.createdBy()});
        }
        return table(rows) + all.size() + " rule(s). Remove one with permissions:forget <id>\n";
    }

    /** {@code permissions:forget <rule-id>}: removes a rule; its calls are asked about again. */
    public String forget(String ruleId) {
        try {
            return permissions.forget(ruleId) ? "Removed rule " + printable(ruleId) + "; its calls are asked about again.\n"
                    : "No rule has the id " + printable(ruleId) + ". permissions:rules lists them.\n";
        } catch (HostException e) {
            return e.getMessage() + (e.action() == null ? "" : " " + e.action()) + "\n";
        }
    }

    /** Control characters replaced, so a command cannot rewrite the admin's terminal. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return out.toString();
    }

    static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
