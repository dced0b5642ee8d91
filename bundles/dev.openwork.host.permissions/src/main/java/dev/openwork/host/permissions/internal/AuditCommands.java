package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.permissions.AuditEntry;
import dev.openwork.host.api.permissions.AuditQuery;
import dev.openwork.host.api.permissions.PermissionService;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code audit:tail [n]}: the newest decisions of the permission gate, oldest first. */
@Component(service = AuditCommands.class, property = {"osgi.command.scope=audit", "osgi.command.function=tail"})
public final class AuditCommands {

    static final int DEFAULT_LINES = 20;

    private final PermissionService permissions;

    @Activate
    public AuditCommands(@Reference PermissionService permissions) {
        this.permissions = permissions;
    }

    public String tail() {
        return tail(DEFAULT_LINES);
    }

    public String tail(int lines) {
        List<AuditEntry> entries;
        try {
            entries = permissions.audit(new AuditQuery(null, null, lines));
        } catch (HostException e) {
            return e.getMessage() + (e.action() == null ? "" : " " + e.action()) + "\n";
        }
        if (entries.isEmpty()) {
            return "The audit log is empty: no tool call was decided yet.\n";
        }
        StringBuilder out = new StringBuilder();
        for (AuditEntry e : entries) {
            out.append('#').append(e.seq()).append("  ").append(PermissionCommands.TIME.format(e.at())).append("  ")
                    .append(e.decision().toUpperCase(java.util.Locale.ROOT)).append("  by ").append(e.decidedBy())
                    .append("  ").append(e.taskId()).append(" step ").append(e.step() + 1).append(" (")
                    .append(e.deviceId()).append(")  ").append(e.tool()).append(": ")
                    .append(PermissionCommands.printable(ToolCalls.cut(e.subject(), 120))).append('\n')
                    .append("      ").append(PermissionCommands.printable(e.reason()))
                    .append(e.promptId() == null ? "" : "  [" + e.promptId() + "]").append('\n');
        }
        return out.toString();
    }
}
